#define BOOST_TEST_MODULE audit client
// Runs against the real kernel: needs CAP_AUDIT_CONTROL in the initial namespaces (root on
// the check machines). Values are compared with auditctl in test/integration.
#include "audit/client.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <linux/netlink.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace lae::audit;
using boost::system::error_code;
using namespace std::chrono_literals;

namespace {
constexpr int netlink_kobject_uevent = 15; // never answers an AUDIT_GET
constexpr int netlink_unsupported = 5;     // no such netlink family in this kernel
} // namespace

BOOST_AUTO_TEST_CASE(status_from_the_kernel_has_every_field_of_a_modern_kernel) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    std::optional<status> answer;
    error_code failure;
    kernel.async_get_status([&](const error_code& e, const status& s) {
        failure = e;
        answer = s;
    });
    context.run();
    BOOST_TEST_REQUIRE(!failure, failure.message());
    BOOST_TEST(*answer->enabled <= 2U);
    BOOST_TEST(*answer->failure <= 2U);
    BOOST_TEST(answer->backlog_limit.has_value());
    BOOST_TEST(answer->backlog_wait_time_actual.has_value()); // Linux >= 5.9 here
    BOOST_TEST(kernel.requests_sent() == 1U);
}

BOOST_AUTO_TEST_CASE(concurrent_queries_share_one_request) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    int answered = 0;
    for (int i = 0; i < 300; ++i) {
        kernel.async_get_status([&](const error_code& e, const status& s) {
            BOOST_TEST(!e);
            BOOST_TEST(s.enabled.has_value());
            ++answered;
        });
    }
    context.run();
    BOOST_TEST(answered == 300);
    BOOST_TEST(kernel.requests_sent() == 1U);
}

BOOST_AUTO_TEST_CASE(a_query_after_an_answer_asks_again) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    int answered = 0;
    std::function<void(const error_code&, const status&)> again;
    again = [&](const error_code& e, const status&) {
        BOOST_TEST(!e);
        if (++answered < 50) {
            kernel.async_get_status(again); // from inside a completion: must start anew
        }
    };
    kernel.async_get_status(again);
    context.run();
    BOOST_TEST(answered == 50);
    BOOST_TEST(kernel.requests_sent() == 50U);
}

BOOST_AUTO_TEST_CASE(status_rules_and_features_in_flight_together) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    std::optional<std::uint64_t> rules;
    std::optional<features> answer;
    bool got_status = false;
    kernel.async_list_rules([&](const error_code& e, const rule_tally& tally) {
        BOOST_TEST(!e, e.message());
        rules = tally.rules();
    });
    kernel.async_get_status([&](const error_code& e, const status&) { got_status = !e; });
    kernel.async_get_features([&](const error_code& e, const features& f) {
        BOOST_TEST(!e, e.message());
        answer = f;
    });
    context.run();
    BOOST_TEST(got_status);
    BOOST_TEST(rules.has_value());
    BOOST_TEST_REQUIRE(answer.has_value());
    // Every kernel with AUDIT_GET_FEATURE (3.13 on) has both features.
    BOOST_TEST(answer->loginuid_immutable.has_value());
    BOOST_TEST(answer->only_unset_loginuid.has_value());
    BOOST_TEST(kernel.requests_sent() == 3U);
}

BOOST_AUTO_TEST_CASE(a_silent_kernel_times_out_and_later_replies_are_dropped) {
    boost::asio::io_context context;
    client silent(context.get_executor(), 30ms, netlink_kobject_uevent);
    int timeouts = 0;
    for (int i = 0; i < 3; ++i) {
        silent.async_get_status([&](const error_code& e, const status& s) {
            BOOST_TEST(e.value() == ETIMEDOUT);
            BOOST_TEST(!s.enabled.has_value());
            ++timeouts;
        });
    }
    const auto started = std::chrono::steady_clock::now();
    context.run();
    BOOST_TEST(timeouts == 3);
    BOOST_TEST(silent.requests_sent() == 1U);
    // A liveness bound (over 50 times the three 30 ms timeouts one after another): a hang
    // fails, a loaded machine does not.
    BOOST_TEST((std::chrono::steady_clock::now() - started < 5s));
}

BOOST_AUTO_TEST_CASE(no_such_protocol_fails_with_its_errno_and_never_inline) {
    boost::asio::io_context context;
    client missing(context.get_executor(), 1s, netlink_unsupported);
    BOOST_TEST(missing.open().value() == EPROTONOSUPPORT);
    bool called = false;
    missing.async_get_status([&](const error_code& e, const status&) {
        BOOST_TEST(e.value() == EPROTONOSUPPORT);
        called = true;
    });
    BOOST_TEST(!called); // completion comes from the event loop, not from inside the call
    context.run();
    BOOST_TEST(called);
    BOOST_TEST(missing.requests_sent() == 0U);
}

BOOST_AUTO_TEST_CASE(close_aborts_waiters_and_the_next_query_reopens) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    error_code first;
    kernel.async_get_status([&](const error_code& e, const status&) { first = e; });
    kernel.close();
    BOOST_TEST((first == boost::asio::error::operation_aborted));
    error_code second = boost::asio::error::would_block;
    kernel.async_get_status([&](const error_code& e, const status&) { second = e; });
    context.run();
    BOOST_TEST(!second, second.message());
}

BOOST_AUTO_TEST_CASE(a_handler_that_reopens_the_socket_mid_drain_gets_its_answers) {
    // The receive loop reads every ready datagram in one wake-up; a handler it runs may close
    // the socket and start queries on a new one. The loop must stop reading the old socket and
    // leave the new one's receiving to the new queries: they are answered, nothing hangs.
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    int aborted_or_done = 0;
    const auto first_round = [&](const error_code& e) {
        BOOST_TEST((!e || e == boost::asio::error::operation_aborted), e.message());
        ++aborted_or_done;
    };
    error_code second_status = boost::asio::error::would_block;
    error_code second_rules = boost::asio::error::would_block;
    kernel.async_list_rules([&](const error_code& e, const rule_tally&) { first_round(e); });
    kernel.async_get_features([&](const error_code& e, const features&) { first_round(e); });
    kernel.async_get_status([&](const error_code& e, const status&) {
        BOOST_TEST(!e, e.message());
        kernel.close(); // the rules and features queries, if still out, end aborted
        kernel.async_get_status([&](const error_code& e2, const status&) { second_status = e2; });
        kernel.async_list_rules(
            [&](const error_code& e2, const rule_tally&) { second_rules = e2; });
    });
    context.run_for(5s);
    BOOST_TEST(context.stopped()); // nothing left waiting: no hang, no pending receive
    BOOST_TEST(aborted_or_done == 2);
    BOOST_TEST(!second_status, second_status.message());
    BOOST_TEST(!second_rules, second_rules.message());
    BOOST_TEST(kernel.requests_sent() == 5U);
}

BOOST_AUTO_TEST_CASE(replies_sent_by_anyone_but_the_kernel_are_dropped) {
    // A socket that is only bound, as ours is in the moment before its connect completes:
    // another process (root: CAP_NET_ADMIN) queues "replies" to the next sequence numbers,
    // and the client must still take its answer from the kernel alone.
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s, client::default_protocol, client::peer::anyone);
    BOOST_TEST_REQUIRE(!kernel.open());
    const std::uint32_t port = kernel.port_id();
    BOOST_TEST_REQUIRE(port != 0U);

    const int forger = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    BOOST_TEST_REQUIRE(forger >= 0);
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    to.nl_pid = port;
    int delivered = 0;
    for (int copy = 0; copy < 8; ++copy) {
        // An AUDIT_GET reply: struct audit_status with enabled 7 and backlog_limit 424242.
        std::array<std::uint32_t, 4 + 11> datagram{};
        datagram[0] = sizeof datagram;
        datagram[1] = 1000;       // nlmsg_type AUDIT_GET, flags 0
        datagram[2] = 1;          // the client's first query: the first read and the batch see them
        datagram[4 + 1] = 7;      // enabled
        datagram[4 + 5] = 424242; // backlog_limit
        if (::sendto(forger, datagram.data(), sizeof datagram, 0,
                     reinterpret_cast<const sockaddr*>(&to),
                     sizeof to) == static_cast<ssize_t>(sizeof datagram)) {
            ++delivered;
        }
    }
    ::close(forger);
    BOOST_TEST_REQUIRE(delivered == 8); // queued for the client: the test can fail

    std::optional<status> answer;
    kernel.async_get_status([&](const error_code& e, const status& s) {
        BOOST_TEST(!e, e.message());
        answer = s;
    });
    context.run();
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(*answer->enabled <= 2U);
    BOOST_TEST(*answer->backlog_limit != 424242U);
    BOOST_TEST(kernel.requests_sent() == 1U);
}

BOOST_AUTO_TEST_CASE(a_connected_client_is_out_of_reach_of_other_senders) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    BOOST_TEST_REQUIRE(!kernel.open());
    const int forger = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    BOOST_TEST_REQUIRE(forger >= 0);
    sockaddr_nl to{};
    to.nl_family = AF_NETLINK;
    to.nl_pid = kernel.port_id();
    const std::array<std::uint32_t, 4> datagram{16, 1000, 1, 0};
    errno = 0;
    const auto sent = ::sendto(forger, datagram.data(), sizeof datagram, 0,
                               reinterpret_cast<const sockaddr*>(&to), sizeof to);
    const int refused = errno;
    ::close(forger);
    BOOST_TEST(sent == -1);
    BOOST_TEST(refused == ECONNREFUSED);
}

BOOST_AUTO_TEST_CASE(a_reply_cut_to_the_slot_fails_its_query_on_either_read) {
    // Slots of 24 bytes: a status reply (60) and a features reply (32) are cut, NLMSG_DONE (20)
    // is not. Alone, the status reply is the first datagram of a turn (async_receive_from).
    {
        boost::asio::io_context context;
        client kernel(context.get_executor(), 2s, client::default_protocol,
                      client::peer::kernel_only, 24);
        error_code failure;
        kernel.async_get_status([&](const error_code& e, const status&) { failure = e; });
        context.run();
        BOOST_TEST(failure.value() == EMSGSIZE, failure.message());
    }
    // All three asked, and their replies queued before the loop reads: the first datagram
    // comes from the asynchronous receive, the other two from recvmmsg, so at least one of
    // the cut replies is read by the batch.
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s, client::default_protocol, client::peer::kernel_only,
                  24);
    error_code status_failure;
    error_code features_failure;
    kernel.async_get_status([&](const error_code& e, const status&) { status_failure = e; });
    kernel.async_get_features([&](const error_code& e, const features&) { features_failure = e; });
    kernel.async_list_rules([](const error_code&, const rule_tally&) {});
    std::this_thread::sleep_for(50ms); // the kernel's reply threads queue their answers
    context.run();
    BOOST_TEST(status_failure.value() == EMSGSIZE, status_failure.message());
    BOOST_TEST(features_failure.value() == EMSGSIZE, features_failure.message());
    BOOST_TEST(kernel.requests_sent() == 3U);
}
