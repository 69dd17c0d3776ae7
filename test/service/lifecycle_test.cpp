#define BOOST_TEST_MODULE lifecycle
// The exporter's pieces ended by a real SIGTERM while work is pending: a scrape waiting for a
// kernel that never answers (a netlink family that ignores audit requests: a real timeout).
// Everything is destroyed right after run() returns, in declaration order, as main does; the
// sanitize preset runs this under AddressSanitizer.
#include "audit/client.hpp"
#include "handlers/metrics_handler.hpp"
#include "http/server.hpp"
#include "service/lifecycle.hpp"
#include "support/log_capture.hpp"
#include "support/metrics_route.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/test/unit_test.hpp>
#include <csignal>
#include <future>
#include <stdexcept>
#include <thread>
#include <unistd.h>

using namespace lae;
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bh = beast::http;
using tcp = asio::ip::tcp;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

namespace {

constexpr int netlink_kobject_uevent = 15; // never answers an AUDIT_GET

struct exporter {
    asio::io_context context{1};
    audit::client kernel;
    std::unique_ptr<testing::metrics_route> metrics; // after the kernel client
    http::router routes;
    http::server server{context, routes, {}};
    service::lifecycle life;
    std::thread thread;
    std::uint16_t port = 0;

    exporter(std::chrono::milliseconds audit_timeout, std::chrono::milliseconds grace)
        : kernel(context.get_executor(), audit_timeout, netlink_kobject_uevent),
          life(context, kernel, grace) {
        metrics = std::make_unique<testing::metrics_route>(context.get_executor(), kernel);
        routes.add("/metrics", metrics->handler());
        routes.add("/throw", [](const http::request&, const http::responder&) {
            throw std::runtime_error("a handler failed");
        });
        routes.add("/throw-other", [](const http::request&, const http::responder&) {
            throw 42; // not a std::exception: caught all the same
        });
        BOOST_TEST_REQUIRE(server.listen({"127.0.0.1", 0}).has_value());
        port = server.local_endpoint().port();
        server.start();
        life.add(server);
        thread = std::thread([this] { life.run(); });
    }
    ~exporter() {
        if (thread.joinable()) {
            life_ended_within(10s);
        }
    }
    // Joins the loop's thread; false when run() did not return in time.
    bool life_ended_within(std::chrono::milliseconds limit) {
        auto done = std::async(std::launch::async, [this] { thread.join(); });
        if (done.wait_for(limit) == std::future_status::ready) {
            return true;
        }
        asio::post(context, [this] { life.shut_down("test teardown"); });
        done.wait();
        return false;
    }
    std::uint64_t kernel_requests() {
        std::promise<std::uint64_t> count;
        asio::post(context, [&] { count.set_value(kernel.requests_sent()); });
        return count.get_future().get();
    }
    void wait_for_kernel_request() {
        for (int i = 0; i < 500 && kernel_requests() == 0; ++i) {
            std::this_thread::sleep_for(10ms);
        }
        BOOST_TEST_REQUIRE(kernel_requests() > 0U);
    }
};

struct client {
    asio::io_context context;
    beast::tcp_stream stream{context};
    beast::flat_buffer buffer;
    explicit client(std::uint16_t port) {
        stream.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
        stream.expires_after(10s);
    }
    void send(const std::string& target) {
        bh::request<bh::empty_body> request{bh::verb::get, target, 11};
        request.set(bh::field::host, "x");
        bh::write(stream, request);
    }
    // The answer, or nullopt when the server closed the connection instead.
    std::optional<bh::response<bh::string_body>> receive() {
        bh::response<bh::string_body> answer;
        beast::error_code error;
        bh::read(stream, buffer, answer, error);
        if (error) {
            return std::nullopt;
        }
        return answer;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(sigterm_with_a_kernel_query_pending_answers_up_0_within_the_grace) {
    // A grace well beyond the audit timeout: the answer comes from the query's own timeout,
    // and the loop ends with it, long before the grace would cut anything. The bounds below
    // are half the grace: liveness bounds telling "ended with the query" from "cut by the
    // grace", however loaded the machine (not a speed).
    exporter e(300ms, 10s);
    client c(e.port);
    c.send("/metrics");
    e.wait_for_kernel_request();
    const auto signalled = clock_type::now();
    BOOST_TEST_REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    const auto answer = c.receive();
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(answer->result_int() == 200U);
    BOOST_TEST(answer->body().find("\nlinux_audit_up 0\n") != std::string::npos);
    BOOST_TEST(!answer->keep_alive());
    BOOST_TEST(e.life_ended_within(5s));
    const auto took = clock_type::now() - signalled;
    BOOST_TEST_MESSAGE(
        "exited " << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
                  << " ms after SIGTERM");
    BOOST_TEST((took < 5s));
}

BOOST_AUTO_TEST_CASE(a_grace_shorter_than_the_kernel_wait_cuts_it_and_ends_cleanly) {
    exporter e(10s, 200ms);
    client c(e.port);
    c.send("/metrics");
    e.wait_for_kernel_request();
    const auto signalled = clock_type::now();
    BOOST_TEST_REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    // Half the 10 s kernel wait: a liveness bound telling the grace's cut from that wait.
    BOOST_TEST(e.life_ended_within(5s));
    BOOST_TEST((clock_type::now() - signalled < 5s));
    // Cut short: the waiting scrape got up 0 if its answer made it out before the close.
    if (const auto answer = c.receive()) {
        BOOST_TEST(answer->body().find("\nlinux_audit_up 0\n") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_second_signal_cuts_at_once) {
    exporter e(10s, 60s);
    client c(e.port);
    c.send("/metrics");
    e.wait_for_kernel_request();
    BOOST_TEST_REQUIRE(::kill(::getpid(), SIGTERM) == 0);
    std::this_thread::sleep_for(50ms);
    BOOST_TEST_REQUIRE(::kill(::getpid(), SIGINT) == 0);
    // Half the 10 s kernel wait (and far from the 60 s grace): a liveness bound.
    BOOST_TEST(e.life_ended_within(5s));
}

BOOST_AUTO_TEST_CASE(a_throwing_handler_closes_its_connection_and_the_server_lives) {
    lae::test::log_capture log; // outlives the loop
    exporter e(300ms, 1300ms);
    for (const auto* target : {"/throw", "/throw-other"}) {
        client c(e.port);
        c.send(target);
        BOOST_TEST(!c.receive().has_value()); // closed, not answered
    }
    client next(e.port);
    next.send("/metrics");
    const auto answer = next.receive();
    BOOST_TEST_REQUIRE(answer.has_value());
    BOOST_TEST(answer->result_int() == 200U);
    asio::post(e.context, [&] { e.life.shut_down("test"); });
    BOOST_TEST(e.life_ended_within(10s)); // nothing in flight: a liveness bound only
    // An operator reads it as the exporter's bug to report, not a kernel problem.
    BOOST_TEST_MESSAGE(log.text());
    BOOST_TEST(log.text().find("bug in the exporter: an event handler threw (a handler "
                               "failed)") != std::string::npos);
    BOOST_TEST(log.text().find("bug in the exporter: an event handler threw (an exception of "
                               "unknown type)") != std::string::npos);
    BOOST_TEST(log.text().find("Please report it") != std::string::npos);
}
