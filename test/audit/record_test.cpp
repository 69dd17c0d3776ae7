#define BOOST_TEST_MODULE audit record
// The record parser against records as the kernel writes them (copied from a 6.18 kernel's
// read-log stream), and against the ways a record can be cut or odd.
#include "audit/record.hpp"

#include <boost/test/unit_test.hpp>
#include <cstring>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <string>
#include <vector>

using namespace lae::audit;

namespace {

// From libaudit.h (linux/audit.h leaves the user-space types to it).
constexpr std::uint16_t AUDIT_USER_AUTH = 1100;
constexpr std::uint16_t AUDIT_USER_LOGIN = 1112;

constexpr std::string_view syscall_quoted =
    "audit(1795849721.328:5): arch=c000003e syscall=110 success=yes exit=4242 a0=0 a1=0 a2=0 "
    "a3=0 items=0 ppid=4241 pid=4242 auid=4294967295 uid=65531 gid=65531 euid=65531 "
    "suid=65531 fsuid=65531 egid=65531 sgid=65531 fsgid=65531 tty=(none) ses=4294967295 "
    "comm=\"records_tool\" exe=\"/tmp/records_tool\" subj=unconfined key=\"lae_one\"";

std::vector<std::byte> datagram(std::uint16_t type, std::string_view text,
                                std::size_t claimed_extra = 0, std::string_view tail = "") {
    nlmsghdr header{};
    header.nlmsg_len =
        static_cast<std::uint32_t>(sizeof header + text.size() + tail.size() + claimed_extra);
    header.nlmsg_type = type;
    std::vector<std::byte> bytes(sizeof header + text.size() + tail.size());
    std::memcpy(bytes.data(), &header, sizeof header);
    std::memcpy(bytes.data() + sizeof header, text.data(), text.size());
    std::memcpy(bytes.data() + sizeof header + text.size(), tail.data(), tail.size());
    return bytes;
}

std::vector<std::string> keys_of(const record_fields& fields) {
    std::vector<std::string> out;
    for_each_key(fields.keys(), [&](std::string_view key) { out.emplace_back(key); });
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(splits_the_header_from_the_text) {
    const auto bytes = datagram(AUDIT_SYSCALL, syscall_quoted, 0, std::string_view("\0\0", 2));
    const auto record = split_record(bytes);
    BOOST_TEST_REQUIRE(record.has_value());
    BOOST_TEST(record->type == AUDIT_SYSCALL);
    BOOST_TEST(record->text == syscall_quoted); // trailing NULs cut
}

BOOST_AUTO_TEST_CASE(a_length_that_claims_more_is_cut_to_what_arrived) {
    const auto bytes = datagram(AUDIT_PATH, "audit(1.2:3): item=0", 5000);
    const auto record = split_record(bytes);
    BOOST_TEST_REQUIRE(record.has_value());
    BOOST_TEST(record->text == "audit(1.2:3): item=0");
}

BOOST_AUTO_TEST_CASE(too_short_for_a_header_or_claiming_less) {
    const auto bytes = datagram(AUDIT_PATH, "x");
    BOOST_TEST(!split_record(std::span(bytes.data(), 15)).has_value());
    auto lying = bytes;
    const std::uint32_t eight = 8;
    std::memcpy(lying.data(), &eight, sizeof eight);
    BOOST_TEST(!split_record(lying).has_value());
    // A bare header is a record with no text (EOE carries only its stamp, but may be empty).
    BOOST_TEST(split_record(std::span(bytes.data(), 16)).has_value());
}

BOOST_AUTO_TEST_CASE(quoted_key_and_success) {
    const auto fields = parse_record(syscall_quoted);
    BOOST_TEST((fields.success == success_field::yes));
    BOOST_TEST((fields.key == key_field::present));
    BOOST_TEST(fields.keys() == "lae_one");
    BOOST_TEST((fields.result == result_field::absent));
}

BOOST_AUTO_TEST_CASE(null_key_and_failure) {
    const auto fields = parse_record("audit(1.2:3): arch=c000003e syscall=124 success=no "
                                     "exit=-3 items=0 comm=\"t\" key=(null)");
    BOOST_TEST((fields.success == success_field::no));
    BOOST_TEST((fields.key == key_field::null));
}

BOOST_AUTO_TEST_CASE(hex_key_is_decoded) {
    // key="with space": a space makes the kernel hex-encode the whole value.
    const auto fields = parse_record("audit(1.2:3): success=yes key=776974682073706163650A");
    BOOST_TEST((fields.key == key_field::present));
    BOOST_TEST(fields.keys() == "with space\n");
}

BOOST_AUTO_TEST_CASE(several_keys_are_hex_with_separators) {
    // auditctl -k lae_a -k lae_b: "lae_a\x01lae_b", always hex.
    const auto fields = parse_record("audit(1.2:3): success=yes key=6C61655F61016C61655F62");
    BOOST_TEST(keys_of(fields) == (std::vector<std::string>{"lae_a", "lae_b"}),
               boost::test_tools::per_element());
    // Empty parts (a separator at either end, two in a row) are no keys.
    const auto odd = parse_record("audit(1.2:3): success=yes key=01610101620001");
    BOOST_TEST(keys_of(odd) == (std::vector<std::string>{"a", std::string("b\0", 2)}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(the_parsed_fields_can_be_copied) {
    record_fields copy;
    {
        const std::string text = "audit(1.2:3): success=yes key=6B6579";
        copy = parse_record(text);
    }
    BOOST_TEST(copy.keys() == "key"); // decoded keys live in the object itself
}

BOOST_AUTO_TEST_CASE(truncated_records) {
    // Cut inside a quoted key, inside hex, inside the success value, before the key.
    const auto quoted = parse_record("audit(1.2:3): success=yes key=\"lae_on");
    BOOST_TEST((quoted.key == key_field::absent));
    BOOST_TEST((quoted.success == success_field::yes));
    BOOST_TEST((parse_record("audit(1.2:3): success=yes key=6C61655").key == key_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3): success=y").success == success_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3): success=yes ke").key == key_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3): success=yes key=").key == key_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3): success=yes key=\"").key == key_field::absent));
    BOOST_TEST((parse_record("").key == key_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3").success == success_field::absent));
}

BOOST_AUTO_TEST_CASE(records_without_the_fields) {
    const auto path = parse_record("audit(1.2:3): item=0 name=\"/etc/passwd\" inode=12 "
                                   "dev=fd:00 mode=0100644 nametype=NORMAL");
    BOOST_TEST((path.success == success_field::absent));
    BOOST_TEST((path.key == key_field::absent));
    BOOST_TEST((path.result == result_field::absent));
}

BOOST_AUTO_TEST_CASE(a_key_in_no_form_the_kernel_writes) {
    BOOST_TEST((parse_record("audit(1.2:3): key=lae_one").key == key_field::absent));
    BOOST_TEST((parse_record("audit(1.2:3): key=6G").key == key_field::absent));
    // Longer than AUDIT_MAX_KEY_LEN once decoded.
    const std::string long_hex = "audit(1.2:3): key=" + std::string(2 * max_key_bytes + 2, 'A');
    BOOST_TEST((parse_record(long_hex).key == key_field::absent));
    const std::string longest = "audit(1.2:3): key=" + std::string(2 * max_key_bytes, 'A');
    BOOST_TEST(parse_record(longest).keys().size() == max_key_bytes);
}

BOOST_AUTO_TEST_CASE(user_space_results_inside_msg) {
    const auto failed = parse_record(
        "audit(1.2:3): pid=77 uid=0 auid=4294967295 ses=4294967295 msg='op=PAM:authentication "
        "grantors=? acct=\"lae\" exe=\"/usr/bin/login\" hostname=? addr=? terminal=pts/0 "
        "res=failed'");
    BOOST_TEST((failed.result == result_field::failed));
    const auto success = parse_record("audit(1.2:3): pid=77 uid=0 msg='op=login id=0 res=success'");
    BOOST_TEST((success.result == result_field::success));
    BOOST_TEST((parse_record("audit(1.2:3): op=set res=1").result == result_field::success));
    BOOST_TEST((parse_record("audit(1.2:3): op=set res=0").result == result_field::failed));
    BOOST_TEST((parse_record("audit(1.2:3): msg='res=maybe'").result == result_field::absent));
    // User-space text comes first, the last res= wins.
    BOOST_TEST((parse_record("audit(1.2:3): msg='text=res=success res=failed'").result ==
                result_field::failed));
}

BOOST_AUTO_TEST_CASE(type_names_as_the_audit_tools_print_them) {
    BOOST_TEST(record_type_name(AUDIT_SYSCALL) == "SYSCALL");
    BOOST_TEST(record_type_name(AUDIT_PATH) == "PATH");
    BOOST_TEST(record_type_name(AUDIT_EOE) == "EOE");
    BOOST_TEST(record_type_name(AUDIT_PROCTITLE) == "PROCTITLE");
    BOOST_TEST(record_type_name(AUDIT_USER_AUTH) == "USER_AUTH");
    BOOST_TEST(record_type_name(AUDIT_USER_LOGIN) == "USER_LOGIN");
    BOOST_TEST(record_type_name(AUDIT_LOGIN) == "LOGIN");
    BOOST_TEST(record_type_name(AUDIT_CONFIG_CHANGE) == "CONFIG_CHANGE");
    BOOST_TEST(record_type_name(AUDIT_AVC) == "AVC");
    BOOST_TEST(record_type_name(1335) == "EVENT_LISTENER");
    BOOST_TEST(record_type_name(1424) == "LANDLOCK_DOMAIN");
    BOOST_TEST(record_type_name(1199).empty());
    BOOST_TEST(record_type_name(0).empty());
    BOOST_TEST(record_type_name(65535).empty());
}

BOOST_AUTO_TEST_CASE(user_record_ranges) {
    BOOST_TEST(is_user_record(AUDIT_USER_AUTH));
    BOOST_TEST(is_user_record(AUDIT_USER_LOGIN));
    BOOST_TEST(is_user_record(2100));
    BOOST_TEST(!is_user_record(AUDIT_SYSCALL));
    BOOST_TEST(!is_user_record(1005)); // AUDIT_USER: generic text, no result
}
