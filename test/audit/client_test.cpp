#define BOOST_TEST_MODULE audit client
// Runs against the real kernel: needs CAP_AUDIT_CONTROL in the initial namespaces (root on
// the check machines). Values are compared with auditctl in test/integration.
#include "audit/advice.hpp"
#include "audit/client.hpp"
#include "support/log_capture.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstring>
#include <linux/netlink.h>
#include <optional>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using namespace lae::audit;
using boost::system::error_code;
using lae::result;
using namespace std::chrono_literals;

namespace {
constexpr int netlink_kobject_uevent = 15; // never answers an AUDIT_GET
constexpr int netlink_unsupported = 5;     // no such netlink family in this kernel

// Runs the loop as service::lifecycle does: an exception that escapes a handler is counted,
// and the loop runs on.
int run_catching(boost::asio::io_context& context) {
    int escaped = 0;
    for (;;) {
        try {
            context.run();
            return escaped;
        } catch (const std::exception&) {
            ++escaped;
        }
    }
}

// The errno a query failed with; empty when it was answered.
template <typename T> error_code code_of(const result<T>& outcome) {
    return outcome ? error_code() : outcome.error().code;
}
} // namespace

BOOST_AUTO_TEST_CASE(status_from_the_kernel_has_every_field_of_a_modern_kernel) {
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    std::optional<status> answer;
    error_code failure;
    kernel.async_get_status([&](const result<status>& s) {
        failure = code_of(s);
        if (s) {
            answer = *s;
        }
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
        kernel.async_get_status([&](const result<status>& s) {
            BOOST_TEST_REQUIRE(s.has_value());
            BOOST_TEST(s->enabled.has_value());
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
    client::status_handler again;
    again = [&](const result<status>& s) {
        BOOST_TEST(s.has_value());
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
    kernel.async_list_rules([&](const result<rule_tally>& tally) {
        BOOST_TEST_REQUIRE(tally.has_value(), code_of(tally).message());
        rules = tally->rules();
    });
    kernel.async_get_status([&](const result<status>& s) { got_status = s.has_value(); });
    kernel.async_get_features([&](const result<features>& f) {
        BOOST_TEST_REQUIRE(f.has_value(), code_of(f).message());
        answer = *f;
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
        silent.async_get_status([&](const result<status>& s) {
            BOOST_TEST_REQUIRE(!s.has_value());
            BOOST_TEST(s.error().code.value() == ETIMEDOUT);
            BOOST_TEST(s.error().what == explain(s.error().code)); // the sentence, made once
            ++timeouts;
        });
    }
    // A liveness bound (over 50 times the three 30 ms timeouts one after another): a hang
    // stops here and fails, a loaded machine does not.
    context.run_for(5s);
    BOOST_TEST(context.stopped());
    BOOST_TEST(timeouts == 3);
    BOOST_TEST(silent.requests_sent() == 1U);
}

BOOST_AUTO_TEST_CASE(no_such_protocol_fails_with_its_errno_and_never_inline) {
    boost::asio::io_context context;
    client missing(context.get_executor(), 1s, netlink_unsupported);
    const auto opened = missing.open();
    BOOST_TEST_REQUIRE(!opened.has_value());
    BOOST_TEST(opened.error().code.value() == EPROTONOSUPPORT);
    BOOST_TEST(opened.error().what.find("CONFIG_AUDIT") != std::string::npos);
    bool called = false;
    missing.async_get_status([&](const result<status>& s) {
        BOOST_TEST(code_of(s).value() == EPROTONOSUPPORT);
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
    kernel.async_get_status([&](const result<status>& s) { first = code_of(s); });
    kernel.close();
    BOOST_TEST((first == boost::asio::error::operation_aborted));
    error_code second = boost::asio::error::would_block;
    kernel.async_get_status([&](const result<status>& s) { second = code_of(s); });
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
    kernel.async_list_rules([&](const result<rule_tally>& r) { first_round(code_of(r)); });
    kernel.async_get_features([&](const result<features>& f) { first_round(code_of(f)); });
    kernel.async_get_status([&](const result<status>& s) {
        BOOST_TEST(s.has_value(), code_of(s).message());
        kernel.close(); // the rules and features queries, if still out, end aborted
        kernel.async_get_status([&](const result<status>& s2) { second_status = code_of(s2); });
        kernel.async_list_rules([&](const result<rule_tally>& r2) { second_rules = code_of(r2); });
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
    BOOST_TEST_REQUIRE(kernel.open().has_value());
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
    kernel.async_get_status([&](const result<status>& s) {
        BOOST_TEST_REQUIRE(s.has_value(), code_of(s).message());
        answer = *s;
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
    BOOST_TEST_REQUIRE(kernel.open().has_value());
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
        kernel.async_get_status([&](const result<status>& s) { failure = code_of(s); });
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
    kernel.async_get_status([&](const result<status>& s) { status_failure = code_of(s); });
    kernel.async_get_features([&](const result<features>& f) { features_failure = code_of(f); });
    kernel.async_list_rules([](const result<rule_tally>&) {});
    std::this_thread::sleep_for(50ms); // the kernel's reply threads queue their answers
    context.run();
    BOOST_TEST(status_failure.value() == EMSGSIZE, status_failure.message());
    BOOST_TEST(features_failure.value() == EMSGSIZE, features_failure.message());
    BOOST_TEST(kernel.requests_sent() == 3U);
}

BOOST_AUTO_TEST_CASE(a_throwing_waiter_harms_neither_the_others_nor_later_queries) {
    // One waiter of each query throws (a bug in whoever asked); the others sharing its answer
    // still get it, every later query is answered by the kernel, and the log names the bug,
    // not the kernel.
    lae::test::log_capture log;
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    const auto buggy = [](const auto&) {
        throw std::runtime_error("a waiter's own bug");
    };
    int answered = 0;
    const auto counted = [&](const auto& outcome) {
        answered += outcome.has_value() ? 1 : 0;
    };
    kernel.async_get_status(buggy);
    kernel.async_get_status(counted);
    kernel.async_list_rules(buggy);
    kernel.async_list_rules(counted);
    kernel.async_get_features(buggy);
    kernel.async_get_features(counted);
    const int escaped = run_catching(context);
    BOOST_TEST(answered == 3);
    BOOST_TEST(escaped == 0); // reported by the client, not thrown across the event loop

    error_code later_status = boost::asio::error::would_block;
    error_code later_rules = boost::asio::error::would_block;
    error_code later_features = boost::asio::error::would_block;
    kernel.async_get_status([&](const result<status>& s) { later_status = code_of(s); });
    kernel.async_list_rules([&](const result<rule_tally>& r) { later_rules = code_of(r); });
    kernel.async_get_features([&](const result<features>& f) { later_features = code_of(f); });
    context.restart();
    run_catching(context);
    BOOST_TEST(!later_status, later_status.message());
    BOOST_TEST(!later_rules, later_rules.message());
    BOOST_TEST(!later_features, later_features.message());
    BOOST_TEST(kernel.requests_sent() == 6U);

    const auto logged = log.text();
    BOOST_TEST_MESSAGE(logged);
    for (const auto* name : {"audit status", "audit rules", "audit features"}) {
        BOOST_TEST(logged.find(std::string("bug in the exporter: a handler of the ") + name +
                               " query threw (a waiter's own bug)") != std::string::npos);
    }
    BOOST_TEST(logged.find("query failing") == std::string::npos); // the kernel is not blamed
}

BOOST_AUTO_TEST_CASE(a_waiter_that_always_throws_cannot_flood_the_log) {
    // Five waiters of one query throw: the bug is logged at the 1st, 2nd and 4th, with the
    // count, and tells the operator what it cost them.
    lae::test::log_capture log;
    boost::asio::io_context context;
    client kernel(context.get_executor(), 2s);
    for (int i = 0; i < 5; ++i) {
        kernel.async_get_status(
            [](const auto&) { throw std::runtime_error("a waiter's own bug"); });
    }
    BOOST_TEST(run_catching(context) == 0);

    const auto logged = log.text();
    BOOST_TEST_MESSAGE(logged);
    std::size_t lines = 0;
    for (auto at = logged.find("bug in the exporter"); at != std::string::npos;
         at = logged.find("bug in the exporter", at + 1)) {
        ++lines;
    }
    BOOST_TEST(lines == 3U);
    for (const auto* count : {"(1 so far", "(2 so far", "(4 so far"}) {
        BOOST_TEST(logged.find(count) != std::string::npos, count);
    }
    BOOST_TEST(logged.find("(3 so far") == std::string::npos);
    BOOST_TEST(logged.find("a scrape or a /healthz check) got no answer and its connection was "
                           "closed") != std::string::npos);
}
