#define BOOST_TEST_MODULE audit protocol
#include "audit/protocol.hpp"

#include <boost/test/unit_test.hpp>
#include <climits>
#include <cstring>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <vector>

using namespace lae::audit;

namespace {

// Builds datagrams the way the kernel lays them out: header, payload, padding to 4 bytes.
struct datagram {
    std::vector<std::byte> bytes;

    datagram& add(std::uint16_t type, std::uint32_t sequence, const void* payload, std::size_t size,
                  std::uint16_t flags = 0) {
        nlmsghdr header{};
        header.nlmsg_len = static_cast<std::uint32_t>(sizeof header + size);
        header.nlmsg_type = type;
        header.nlmsg_flags = flags;
        header.nlmsg_seq = sequence;
        const auto at = bytes.size();
        bytes.resize(at + NLMSG_ALIGN(sizeof header + size));
        std::memcpy(bytes.data() + at, &header, sizeof header);
        if (size != 0) {
            std::memcpy(bytes.data() + at + sizeof header, payload, size);
        }
        return *this;
    }
    datagram& status(std::uint32_t sequence, const audit_status& s,
                     std::size_t size = sizeof(audit_status)) {
        return add(AUDIT_GET, sequence, &s, size);
    }
    datagram& error(std::uint32_t sequence, int code) {
        nlmsgerr e{};
        e.error = code;
        return add(NLMSG_ERROR, sequence, &e, sizeof e);
    }
    std::span<const std::byte> view() const { return bytes; }
};

audit_status sample_status() {
    audit_status s{};
    s.enabled = 1;
    s.failure = 1;
    s.pid = 4242;
    s.rate_limit = 100;
    s.backlog_limit = 8192;
    s.lost = 7;
    s.backlog = 3;
    s.feature_bitmap = 0x7f;
    s.backlog_wait_time = 15000;
    s.backlog_wait_time_actual = 321;
    return s;
}

} // namespace

BOOST_AUTO_TEST_CASE(request_is_a_bare_header) {
    std::array<std::byte, request_size> out{};
    BOOST_TEST(encode_request(audit_get, 77, out) == sizeof(nlmsghdr));
    nlmsghdr header{};
    std::memcpy(&header, out.data(), sizeof header);
    BOOST_TEST(header.nlmsg_len == sizeof(nlmsghdr));
    BOOST_TEST(header.nlmsg_type == AUDIT_GET);
    BOOST_TEST(header.nlmsg_flags == NLM_F_REQUEST);
    BOOST_TEST(header.nlmsg_seq == 77U);
    BOOST_TEST(header.nlmsg_pid == 0U);
}

BOOST_AUTO_TEST_CASE(full_status_reply_gives_every_field) {
    const auto parsed = parse_datagram(datagram{}.status(5, sample_status()).view());
    BOOST_TEST(!parsed.truncated);
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    const auto& m = parsed.messages[0];
    BOOST_TEST((m.kind == message_kind::status));
    BOOST_TEST(m.sequence == 5U);
    const auto& s = m.audit_status;
    BOOST_TEST(*s.enabled == 1U);
    BOOST_TEST(*s.failure == 1U);
    BOOST_TEST(*s.pid == 4242U);
    BOOST_TEST(*s.rate_limit == 100U);
    BOOST_TEST(*s.backlog_limit == 8192U);
    BOOST_TEST(*s.lost == 7U);
    BOOST_TEST(*s.backlog == 3U);
    BOOST_TEST(*s.feature_bitmap == 0x7fU);
    BOOST_TEST(*s.backlog_wait_time == 15000U);
    BOOST_TEST(*s.backlog_wait_time_actual == 321U);
}

BOOST_AUTO_TEST_CASE(short_reply_from_an_old_kernel_omits_fields_it_did_not_send) {
    // Before Linux 3.14 the struct ended after `backlog` (32 bytes); before 5.9, after
    // backlog_wait_time (40 bytes).
    const auto old = parse_datagram(datagram{}.status(1, sample_status(), 32).view());
    BOOST_TEST_REQUIRE(old.messages.size() == 1U);
    const auto& s = old.messages[0].audit_status;
    BOOST_TEST(*s.backlog == 3U);
    BOOST_TEST(!s.feature_bitmap.has_value());
    BOOST_TEST(!s.backlog_wait_time.has_value());
    BOOST_TEST(!s.backlog_wait_time_actual.has_value());

    const auto newer = parse_datagram(datagram{}.status(1, sample_status(), 40).view());
    BOOST_TEST(*newer.messages[0].audit_status.backlog_wait_time == 15000U);
    BOOST_TEST(!newer.messages[0].audit_status.backlog_wait_time_actual.has_value());
}

BOOST_AUTO_TEST_CASE(a_field_cut_in_the_middle_is_absent_not_half_read) {
    const auto parsed = parse_datagram(datagram{}.status(1, sample_status(), 42).view());
    BOOST_TEST(*parsed.messages[0].audit_status.backlog_wait_time == 15000U);
    BOOST_TEST(!parsed.messages[0].audit_status.backlog_wait_time_actual.has_value());
}

BOOST_AUTO_TEST_CASE(longer_struct_from_a_newer_kernel_is_accepted) {
    std::array<std::byte, sizeof(audit_status) + 12> bigger{};
    const auto s = sample_status();
    std::memcpy(bigger.data(), &s, sizeof s);
    const auto parsed =
        parse_datagram(datagram{}.add(AUDIT_GET, 2, bigger.data(), bigger.size()).view());
    BOOST_TEST((parsed.messages[0].kind == message_kind::status));
    BOOST_TEST(*parsed.messages[0].audit_status.backlog_wait_time_actual == 321U);
}

BOOST_AUTO_TEST_CASE(status_too_short_to_hold_enabled_is_malformed) {
    const auto parsed = parse_datagram(datagram{}.status(9, sample_status(), 6).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::malformed));
    BOOST_TEST(parsed.messages[0].sequence == 9U);
}

BOOST_AUTO_TEST_CASE(ack_before_status_in_one_datagram) {
    const auto parsed = parse_datagram(datagram{}.error(3, 0).status(3, sample_status()).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 2U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::ack));
    BOOST_TEST((parsed.messages[1].kind == message_kind::status));
}

BOOST_AUTO_TEST_CASE(ack_after_status_in_one_datagram) {
    const auto parsed = parse_datagram(datagram{}.status(3, sample_status()).error(3, 0).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 2U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::status));
    BOOST_TEST((parsed.messages[1].kind == message_kind::ack));
}

BOOST_AUTO_TEST_CASE(error_reply_carries_the_errno) {
    const auto parsed = parse_datagram(datagram{}.error(4, -EPERM).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::error));
    BOOST_TEST(parsed.messages[0].error_number == EPERM);
    BOOST_TEST(parsed.messages[0].sequence == 4U);
}

BOOST_AUTO_TEST_CASE(error_reply_without_its_code_is_malformed) {
    const auto parsed = parse_datagram(datagram{}.add(NLMSG_ERROR, 4, nullptr, 0).view());
    BOOST_TEST((parsed.messages[0].kind == message_kind::malformed));
}

BOOST_AUTO_TEST_CASE(rules_and_done_of_a_multipart_reply) {
    std::vector<std::byte> rule(sizeof(audit_rule_data));
    audit_rule_data fixed{};
    fixed.flags = AUDIT_FILTER_EXIT;
    fixed.action = AUDIT_ALWAYS;
    std::memcpy(rule.data(), &fixed, sizeof fixed);
    const auto parsed =
        parse_datagram(datagram{}
                           .add(AUDIT_LIST_RULES, 8, rule.data(), rule.size(), NLM_F_MULTI)
                           .add(NLMSG_DONE, 8, nullptr, 0, NLM_F_MULTI)
                           .view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 2U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::rule));
    BOOST_TEST(parsed.messages[0].rule.list == 4U);
    BOOST_TEST(parsed.messages[0].rule.action == 2U);
    BOOST_TEST((parsed.messages[1].kind == message_kind::done));
}

BOOST_AUTO_TEST_CASE(a_rule_too_short_to_be_one_is_malformed) {
    const std::array<std::byte, 8> rule{};
    const auto parsed =
        parse_datagram(datagram{}.add(AUDIT_LIST_RULES, 8, rule.data(), rule.size()).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::malformed));
    BOOST_TEST(parsed.messages[0].sequence == 8U);
}

BOOST_AUTO_TEST_CASE(features_reply_and_a_short_one) {
    audit_features f{};
    f.vers = AUDIT_FEATURE_VERSION;
    f.mask = ~0U;
    f.features = AUDIT_FEATURE_TO_MASK(AUDIT_FEATURE_LOGINUID_IMMUTABLE);
    const auto parsed = parse_datagram(datagram{}
                                           .add(AUDIT_GET_FEATURE, 3, &f, sizeof f)
                                           .add(AUDIT_GET_FEATURE, 4, &f, sizeof f - 1)
                                           .view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 2U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::features));
    BOOST_TEST(parsed.messages[0].kernel_features.loginuid_immutable->enabled);
    BOOST_TEST((parsed.messages[1].kind == message_kind::malformed));
}

BOOST_AUTO_TEST_CASE(the_cursor_walks_what_parse_datagram_returns) {
    auto d = datagram{}.error(1, 0).status(2, sample_status()).error(3, -EPERM);
    message_cursor cursor(d.view());
    message m;
    std::vector<std::uint32_t> sequences;
    while (cursor.next(m)) {
        sequences.push_back(m.sequence);
    }
    BOOST_TEST((sequences == std::vector<std::uint32_t>{1, 2, 3}));
    BOOST_TEST(!cursor.truncated());
    BOOST_TEST(!cursor.next(m)); // stays at the end
}

BOOST_AUTO_TEST_CASE(wrong_type_is_other) {
    const auto s = sample_status();
    const auto parsed = parse_datagram(datagram{}.add(1100, 1, &s, sizeof s).view());
    BOOST_TEST((parsed.messages[0].kind == message_kind::other));
    BOOST_TEST(parsed.messages[0].type == 1100U);
}

BOOST_AUTO_TEST_CASE(header_longer_than_the_datagram_is_cut_and_not_trusted) {
    auto d = datagram{}.status(6, sample_status());
    d.bytes.resize(d.bytes.size() - 8); // what a too-small receive buffer would leave
    const auto parsed = parse_datagram(d.view());
    BOOST_TEST(parsed.truncated);
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::malformed));
    BOOST_TEST(parsed.messages[0].sequence == 6U);
}

BOOST_AUTO_TEST_CASE(header_shorter_than_a_header_stops_the_parse) {
    auto d = datagram{}.error(1, 0);
    std::uint32_t bogus = 4;
    std::memcpy(d.bytes.data(), &bogus, sizeof bogus);
    const auto parsed = parse_datagram(d.view());
    BOOST_TEST(parsed.truncated);
    BOOST_TEST(parsed.messages.empty());
}

BOOST_AUTO_TEST_CASE(trailing_bytes_too_short_for_a_header) {
    auto d = datagram{}.error(1, 0);
    d.bytes.resize(d.bytes.size() + 5);
    const auto parsed = parse_datagram(d.view());
    BOOST_TEST(parsed.truncated);
    BOOST_TEST(parsed.messages.size() == 1U);
}

BOOST_AUTO_TEST_CASE(empty_and_tiny_datagrams) {
    BOOST_TEST(parse_datagram({}).messages.empty());
    BOOST_TEST(!parse_datagram({}).truncated);
    const std::array<std::byte, 3> tiny{};
    BOOST_TEST(parse_datagram(tiny).truncated);
}

BOOST_AUTO_TEST_CASE(last_message_without_padding_is_read) {
    // A 5-byte payload leaves 3 bytes of padding the sender may omit at the very end.
    auto d = datagram{}.error(1, 0);
    const std::array<std::byte, 5> rule{};
    d.add(AUDIT_LIST_RULES, 1, rule.data(), rule.size());
    d.bytes.resize(d.bytes.size() - 3);
    const auto parsed = parse_datagram(d.view());
    BOOST_TEST(!parsed.truncated);
    BOOST_TEST(parsed.messages.size() == 2U);
}

BOOST_AUTO_TEST_CASE(garbage_never_reads_past_the_buffer) {
    // Deterministic pseudo-random bytes of every length up to 200; AddressSanitizer builds
    // turn any overread into a failure. Each parse must end, and claim no more messages than
    // the bytes could hold.
    std::uint32_t state = 12345;
    for (std::size_t length = 0; length <= 200; ++length) {
        for (int round = 0; round < 50; ++round) {
            std::vector<std::byte> bytes(length);
            for (auto& b : bytes) {
                state = state * 1664525U + 1013904223U;
                b = static_cast<std::byte>(state >> 24);
            }
            const auto parsed = parse_datagram(bytes);
            BOOST_TEST(parsed.messages.size() <= length / sizeof(nlmsghdr));
        }
    }
}

BOOST_AUTO_TEST_CASE(error_code_int_min_is_an_error_without_undefined_behaviour) {
    // -INT_MIN overflows an int: UBSan (the sanitize preset) reports it if negated as an int.
    const auto parsed = parse_datagram(datagram{}.error(5, INT_MIN).view());
    BOOST_TEST_REQUIRE(parsed.messages.size() == 1U);
    BOOST_TEST((parsed.messages[0].kind == message_kind::error));
    BOOST_TEST(parsed.messages[0].error_number == INT_MAX);
    BOOST_TEST(parse_datagram(datagram{}.error(5, INT_MAX).view()).messages[0].error_number ==
               INT_MAX);
}

BOOST_AUTO_TEST_CASE(only_the_kernels_address_is_the_kernels) {
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    BOOST_TEST(sent_by_kernel(&kernel, sizeof kernel));
    for (const std::uint32_t port : {1U, 4242U, 0xFFFFFFFFU}) {
        sockaddr_nl process = kernel;
        process.nl_pid = port;
        BOOST_TEST(!sent_by_kernel(&process, sizeof process));
    }
    sockaddr_nl other_family = kernel;
    other_family.nl_family = AF_UNIX;
    BOOST_TEST(!sent_by_kernel(&other_family, sizeof other_family));
    BOOST_TEST(!sent_by_kernel(&kernel, sizeof kernel - 1)); // an address cut short
    BOOST_TEST(!sent_by_kernel(nullptr, 0));
}
