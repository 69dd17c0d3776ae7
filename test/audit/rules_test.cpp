#define BOOST_TEST_MODULE audit rules and features
// struct audit_rule_data and struct audit_features as the kernel sends them, built here
// byte for byte, including the ones no kernel sends (short, lying lengths).
#include "audit/features.hpp"
#include "audit/rules.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <linux/audit.h>
#include <string>
#include <vector>

using namespace lae::audit;

namespace {

// struct audit_rule_data without its flexible `buf` (which cannot be a member).
struct fixed_part {
    std::uint32_t flags, action, field_count;
    std::uint32_t mask[AUDIT_BITMASK_SIZE];
    std::uint32_t fields[AUDIT_MAX_FIELDS];
    std::uint32_t values[AUDIT_MAX_FIELDS];
    std::uint32_t fieldflags[AUDIT_MAX_FIELDS];
    std::uint32_t buflen;
};
static_assert(sizeof(fixed_part) == sizeof(audit_rule_data));
static_assert(offsetof(fixed_part, buflen) == offsetof(audit_rule_data, buflen));

// One rule, laid out as the kernel's audit_krule_to_data does: the fixed part, then the
// string fields in field order, each `values[i]` bytes long without a terminator.
struct rule_bytes {
    std::string strings;
    fixed_part fixed{};

    rule_bytes(std::uint32_t list, std::uint32_t action) {
        fixed.flags = list;
        fixed.action = action;
    }
    rule_bytes& number(std::uint32_t field, std::uint32_t value) {
        fixed.fields[fixed.field_count] = field;
        fixed.values[fixed.field_count] = value;
        ++fixed.field_count;
        return *this;
    }
    rule_bytes& text(std::uint32_t field, std::string_view value) {
        number(field, static_cast<std::uint32_t>(value.size()));
        strings += value;
        return *this;
    }
    rule_bytes& every_syscall() {
        for (auto& word : fixed.mask) {
            word = ~0U;
        }
        return *this;
    }
    // auditctl -w PATH -p wa -k KEY
    static rule_bytes watch(std::string_view path, std::string_view key) {
        rule_bytes r(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
        r.every_syscall()
            .text(AUDIT_WATCH, path)
            .number(AUDIT_PERM, AUDIT_PERM_WRITE | AUDIT_PERM_ATTR);
        if (!key.empty()) {
            r.text(AUDIT_FILTERKEY, key);
        }
        return r;
    }
    std::vector<std::byte> bytes() const {
        auto copy = fixed;
        copy.buflen = static_cast<std::uint32_t>(strings.size());
        std::vector<std::byte> out(sizeof copy + strings.size());
        std::memcpy(out.data(), &copy, sizeof copy);
        std::memcpy(out.data() + sizeof copy, strings.data(), strings.size());
        return out;
    }
};

std::vector<std::string> keys_of(std::string_view field) {
    std::vector<std::string> out;
    for_each_key(field, [&out](std::string_view key) { out.emplace_back(key); });
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_list_and_action_by_name) {
    const std::pair<std::uint32_t, const char*> lists[] = {
        {AUDIT_FILTER_USER, "user"},     {AUDIT_FILTER_TASK, "task"},
        {AUDIT_FILTER_EXIT, "exit"},     {AUDIT_FILTER_EXCLUDE, "exclude"},
        {AUDIT_FILTER_FS, "filesystem"}, {AUDIT_FILTER_URING_EXIT, "io_uring"},
        {AUDIT_FILTER_ENTRY, "entry"},
    };
    for (const auto& [list, name] : lists) {
        for (const std::uint32_t action : {0U, 2U}) { // AUDIT_NEVER, AUDIT_ALWAYS
            const auto parsed =
                parse_rule_payload(rule_bytes(list, action).number(AUDIT_UID, 0).bytes());
            BOOST_TEST_REQUIRE(parsed.has_value());
            BOOST_TEST(parsed->list == list);
            BOOST_TEST(parsed->action == action);
            BOOST_TEST(list_name(parsed->list) == name);
            BOOST_TEST((parsed->kind == rule_kind::syscall));
            BOOST_TEST(parsed->keys.empty());
        }
    }
    BOOST_TEST(action_name(AUDIT_NEVER) == "never");
    BOOST_TEST(action_name(AUDIT_ALWAYS) == "always");
    BOOST_TEST(action_name(77).empty());
    BOOST_TEST(list_name(42).empty());
}

BOOST_AUTO_TEST_CASE(a_prepended_rule_is_on_its_list) {
    const auto parsed = parse_rule_payload(
        rule_bytes(AUDIT_FILTER_EXIT | AUDIT_FILTER_PREPEND, AUDIT_ALWAYS).bytes());
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST(parsed->list == static_cast<std::uint32_t>(AUDIT_FILTER_EXIT));
}

BOOST_AUTO_TEST_CASE(watches_as_auditctl_shows_them) {
    // `keys` points into the bytes parsed: they must outlive it.
    const auto file_bytes = rule_bytes::watch("/etc/passwd", "identity").bytes();
    const auto file = parse_rule_payload(file_bytes);
    BOOST_TEST_REQUIRE(file.has_value());
    BOOST_TEST((file->kind == rule_kind::watch));
    BOOST_TEST(file->keys == "identity");

    rule_bytes dir(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    dir.every_syscall().text(AUDIT_DIR, "/etc/sudoers.d").number(AUDIT_PERM, AUDIT_PERM_WRITE);
    BOOST_TEST((parse_rule_payload(dir.bytes())->kind == rule_kind::watch));

    // A path with a permission but limited to some system calls is a syscall rule to auditctl
    // ("-a always,exit -S open -F path=... -F perm=r").
    rule_bytes some(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    some.text(AUDIT_WATCH, "/etc/shadow").number(AUDIT_PERM, AUDIT_PERM_READ);
    some.fixed.mask[0] = 0x4;
    BOOST_TEST((parse_rule_payload(some.bytes())->kind == rule_kind::syscall));

    // ... and so is one with a field a watch cannot have.
    auto with_uid = rule_bytes::watch("/etc/shadow", "");
    with_uid.number(AUDIT_UID, 1000);
    BOOST_TEST((parse_rule_payload(with_uid.bytes())->kind == rule_kind::syscall));

    // A path without a permission is not a watch either.
    rule_bytes no_perm(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    no_perm.every_syscall().text(AUDIT_WATCH, "/etc/shadow");
    BOOST_TEST((parse_rule_payload(no_perm.bytes())->kind == rule_kind::syscall));
}

BOOST_AUTO_TEST_CASE(keys_after_other_string_fields_and_multi_keys) {
    rule_bytes r(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    r.number(AUDIT_ARCH, 0xc000003e)
        .text(AUDIT_EXE, "/usr/bin/sudo")
        .text(AUDIT_SUBJ_TYPE, "unconfined_t")
        .number(AUDIT_PPID, 1) // a number, though between the string-valued SELinux fields
        .text(AUDIT_OBJ_LEV_HIGH, "s0")
        .text(AUDIT_FILTERKEY, "privileged\x01"
                               "sudo\x01"
                               "t\xc3\xa9st");
    const auto bytes = r.bytes();
    const auto parsed = parse_rule_payload(bytes);
    BOOST_TEST_REQUIRE(parsed.has_value());
    BOOST_TEST(
        (keys_of(parsed->keys) == std::vector<std::string>{"privileged", "sudo", "t\xc3\xa9st"}));
    BOOST_TEST((keys_of("\x01"
                        "a\x01\x01"
                        "b\x01") == std::vector<std::string>{"a", "b"}));
    BOOST_TEST(keys_of("").empty());
}

BOOST_AUTO_TEST_CASE(string_fields_of_every_length) {
    // Every key length from 0 to the kernel's 256 bytes, after a path of another length, so
    // that no length is read from a fixed place; then every cut of the payload is refused.
    for (std::size_t length = 0; length <= AUDIT_MAX_KEY_LEN; ++length) {
        const std::string key(length, 'k');
        const std::string path(1 + (length * 7) % 300, '/');
        const auto bytes = rule_bytes::watch(path, key).bytes();
        const auto parsed = parse_rule_payload(bytes);
        BOOST_TEST_REQUIRE(parsed.has_value());
        BOOST_TEST(parsed->keys == key);
        for (std::size_t cut = bytes.size() - std::min<std::size_t>(bytes.size(), 8);
             cut < bytes.size(); ++cut) {
            BOOST_TEST(!parse_rule_payload(std::span(bytes.data(), cut)).has_value());
        }
    }
}

BOOST_AUTO_TEST_CASE(truncated_and_lying_rules_are_refused) {
    auto bytes = rule_bytes::watch("/etc/passwd", "identity").bytes();
    // Shorter than the fixed part, by any amount.
    for (std::size_t size = 0; size < sizeof(audit_rule_data); size += 7) {
        BOOST_TEST(!parse_rule_payload(std::span(bytes.data(), size)).has_value());
    }
    const auto patch = [](std::vector<std::byte> b, std::size_t offset, std::uint32_t value) {
        std::memcpy(b.data() + offset, &value, sizeof value);
        return b;
    };
    // buflen beyond the payload.
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, buflen), 1000)));
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, buflen), ~0U)));
    // A string length beyond buflen (the path's, then the key's).
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, values), 12)));
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, values) + 8, 9)));
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, values) + 8, ~0U)));
    // More fields than the struct has.
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, field_count), 65)));
    BOOST_TEST(!parse_rule_payload(patch(bytes, offsetof(audit_rule_data, field_count), ~0U)));
    // Two key fields: the kernel keeps one.
    rule_bytes twice(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    twice.text(AUDIT_FILTERKEY, "a").text(AUDIT_FILTERKEY, "b");
    BOOST_TEST(!parse_rule_payload(twice.bytes()));
    // Bytes after buf are ignored, as the kernel may pad.
    bytes.resize(bytes.size() + 3);
    BOOST_TEST(parse_rule_payload(bytes)->keys == "identity");
    // 64 fields, all used: fine.
    rule_bytes full(AUDIT_FILTER_EXIT, AUDIT_ALWAYS);
    for (int i = 0; i < AUDIT_MAX_FIELDS; ++i) {
        full.text(AUDIT_WATCH, "/x");
    }
    BOOST_TEST(parse_rule_payload(full.bytes()).has_value());
}

BOOST_AUTO_TEST_CASE(tally_counts_groups_and_keys_with_a_cap) {
    rule_tally tally(2);
    tally.add({AUDIT_FILTER_EXIT, AUDIT_ALWAYS, rule_kind::watch,
               "a\x01"
               "b"});
    tally.add({AUDIT_FILTER_EXIT, AUDIT_ALWAYS, rule_kind::watch, "a"});
    tally.add({AUDIT_FILTER_EXIT, AUDIT_NEVER, rule_kind::syscall,
               "c\x01"
               "a\x01"
               "d"});
    tally.add({AUDIT_FILTER_USER, AUDIT_ALWAYS, rule_kind::syscall, ""});
    BOOST_TEST(tally.rules() == 4U);
    BOOST_TEST(tally.groups().size() == 3U);
    BOOST_TEST(tally.groups()[0].rules == 2U);
    BOOST_TEST(tally.keys().size() == 2U);
    BOOST_TEST(tally.keys().at("a") == 3U);
    BOOST_TEST(tally.keys().at("b") == 1U);
    BOOST_TEST(tally.other_keys() == 2U); // c and d, beyond the first two keys
    BOOST_TEST(tally.without_key() == 1U);
}

BOOST_AUTO_TEST_CASE(key_labels_are_utf8_without_control_bytes) {
    BOOST_TEST(key_label("plain-key_1") == "plain-key_1");
    BOOST_TEST(key_label("cl\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91") ==
               "cl\xc3\xa9 \xe2\x82\xac \xf0\x9f\x94\x91");
    BOOST_TEST(key_label("a\tb\x7f") == "a\\x09b\\x7f");
    BOOST_TEST(key_label("\xff\xc3") == "\\xff\\xc3");          // invalid and cut short
    BOOST_TEST(key_label("\xc0\xaf") == "\\xc0\\xaf");          // overlong
    BOOST_TEST(key_label("\xed\xa0\x80") == "\\xed\\xa0\\x80"); // a surrogate
    BOOST_TEST(key_label("\xc2\x85") == "\\xc2\\x85");          // a C1 control
    rule_tally tally;
    tally.add({AUDIT_FILTER_EXIT, AUDIT_ALWAYS, rule_kind::syscall, "x\xff"});
    BOOST_TEST(tally.keys().count("x\\xff") == 1U);
}

BOOST_AUTO_TEST_CASE(key_labels_never_merge_two_keys_nor_meet_the_collectors_own_values) {
    // A backslash is escaped, so that the byte 0xff and the four characters \xff differ.
    BOOST_TEST(key_label("\\xff") == "\\x5cxff");
    BOOST_TEST(key_label("a\\b") == "a\\x5cb");
    // A leading '(' is escaped: "(none)" and "(other)" are the collector's, never a key's.
    BOOST_TEST(key_label("(none)") == "\\x28none)");
    BOOST_TEST(key_label("(other)") == "\\x28other)");
    BOOST_TEST(key_label("a(b)") == "a(b)");
    rule_tally tally;
    for (const std::string_view key : {"(none)", "(other)", "\\xff", "\xff", "(none)"}) {
        tally.add({AUDIT_FILTER_EXIT, AUDIT_ALWAYS, rule_kind::syscall, key});
    }
    BOOST_TEST(tally.keys().size() == 4U);
    BOOST_TEST(tally.keys().at("\\x28none)") == 2U);
    BOOST_TEST(tally.keys().count("(none)") == 0U);
    BOOST_TEST(tally.keys().count("(other)") == 0U);
    BOOST_TEST(tally.keys().at("\\x5cxff") == 1U);
    BOOST_TEST(tally.keys().at("\\xff") == 1U);
    BOOST_TEST(tally.without_key() == 0U);
}

namespace {
std::vector<std::byte> feature_bytes(std::uint32_t version, std::uint32_t mask, std::uint32_t on,
                                     std::uint32_t lock) {
    audit_features f{};
    f.vers = version;
    f.mask = mask;
    f.features = on;
    f.lock = lock;
    std::vector<std::byte> out(sizeof f);
    std::memcpy(out.data(), &f, sizeof f);
    return out;
}
constexpr std::uint32_t immutable = AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_LOGINUID_IMMUTABLE);
constexpr std::uint32_t only_unset = AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_ONLY_UNSET_LOGINUID);
} // namespace

BOOST_AUTO_TEST_CASE(features_set_and_locked) {
    // What this kernel answers with nothing set: every mask bit, nothing on, nothing locked.
    const auto defaults = parse_features_payload(feature_bytes(1, ~0U, 0, 0));
    BOOST_TEST_REQUIRE(defaults.has_value());
    BOOST_TEST((defaults->loginuid_immutable == feature_state{false, false}));
    BOOST_TEST((defaults->only_unset_loginuid == feature_state{false, false}));
    // auditctl --loginuid-immutable sets the feature and locks it.
    const auto set = parse_features_payload(feature_bytes(1, ~0U, immutable, immutable));
    BOOST_TEST((set->loginuid_immutable == feature_state{true, true}));
    BOOST_TEST((set->only_unset_loginuid == feature_state{false, false}));
    const auto other = parse_features_payload(feature_bytes(1, ~0U, only_unset, immutable));
    BOOST_TEST((other->loginuid_immutable == feature_state{false, true}));
    BOOST_TEST((other->only_unset_loginuid == feature_state{true, false}));
    // A zero mask says nothing; a mask without a feature's bit: the kernel lacks it.
    BOOST_TEST(
        parse_features_payload(feature_bytes(1, 0, immutable, 0))->loginuid_immutable->enabled);
    const auto partial = parse_features_payload(feature_bytes(1, only_unset, 0, 0));
    BOOST_TEST(!partial->loginuid_immutable.has_value());
    BOOST_TEST(partial->only_unset_loginuid.has_value());
}

BOOST_AUTO_TEST_CASE(features_short_or_of_another_version_are_refused) {
    auto bytes = feature_bytes(1, ~0U, 0, 0);
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        BOOST_TEST(!parse_features_payload(std::span(bytes.data(), size)).has_value());
    }
    BOOST_TEST(!parse_features_payload(feature_bytes(2, ~0U, 0, 0)).has_value());
    bytes.resize(40); // a longer struct of the same version: the known part is read
    BOOST_TEST(parse_features_payload(bytes).has_value());
}
