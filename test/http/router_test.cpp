#define BOOST_TEST_MODULE http router
#include "http/router.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

using namespace lae::http;
namespace bh = boost::beast::http;

namespace {

struct fixture {
    router routes;
    int calls = 0;
    fixture() {
        routes.add("/metrics", [this](const request&, const responder& respond) {
            ++calls;
            respond(make_response(bh::status::ok, "text/plain", "metrics"));
        });
    }
    response ask(bh::verb method, std::string target) {
        request incoming{method, target, 11};
        std::optional<response> answer;
        routes.route(incoming, [&](response r) { answer = std::move(r); });
        BOOST_TEST_REQUIRE(answer.has_value());
        return *answer;
    }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(get_reaches_the_handler, fixture) {
    const auto answer = ask(bh::verb::get, "/metrics");
    BOOST_TEST(answer.result_int() == 200U);
    BOOST_TEST(answer.body() == "metrics");
    BOOST_TEST(calls == 1);
}

BOOST_FIXTURE_TEST_CASE(head_reaches_the_handler, fixture) {
    BOOST_TEST(ask(bh::verb::head, "/metrics").result_int() == 200U);
}

BOOST_FIXTURE_TEST_CASE(query_string_does_not_change_the_route, fixture) {
    BOOST_TEST(ask(bh::verb::get, "/metrics?x=1").result_int() == 200U);
}

BOOST_FIXTURE_TEST_CASE(unknown_path_is_404, fixture) {
    BOOST_TEST(ask(bh::verb::get, "/metricsx").result_int() == 404U);
    BOOST_TEST(ask(bh::verb::get, "/").result_int() == 404U);
    BOOST_TEST(ask(bh::verb::get, "/metrics/").result_int() == 404U);
    BOOST_TEST(calls == 0);
}

BOOST_FIXTURE_TEST_CASE(other_methods_are_405_with_allow, fixture) {
    for (const auto method : {bh::verb::post, bh::verb::put, bh::verb::delete_, bh::verb::options,
                              bh::verb::patch, bh::verb::trace, bh::verb::connect}) {
        const auto answer = ask(method, "/metrics");
        BOOST_TEST(answer.result_int() == 405U);
        BOOST_TEST(answer[bh::field::allow] == "GET, HEAD");
    }
    BOOST_TEST(calls == 0);
}

BOOST_FIXTURE_TEST_CASE(unknown_method_on_unknown_path_is_404, fixture) {
    BOOST_TEST(ask(bh::verb::post, "/nope").result_int() == 404U);
}

namespace {
// Allows only the value "Basic good" (the router's side of a check, without bcrypt).
struct test_credentials final : credential_check {
    void check(std::string_view authorization, const boost::asio::ip::address& /*client*/,
               completion done) override {
        done({authorization == "Basic good" ? verdict::allowed : verdict::denied,
              std::chrono::seconds(0)});
    }
};

// A guard that refuses every other request with 429, asks for credentials when it has some
// and marks every answer.
struct test_guard final : request_guard {
    int seen = 0;
    std::shared_ptr<credential_check> users;
    std::optional<response> admit(const request&) override {
        if (++seen % 2 == 0) {
            return make_response(bh::status::too_many_requests, "text/plain", "429\n");
        }
        return std::nullopt;
    }
    std::shared_ptr<credential_check> credentials() const override { return users; }
    void decorate(response& outgoing) const override { outgoing.set("X-Frame-Options", "deny"); }
};
} // namespace

BOOST_FIXTURE_TEST_CASE(guard_answers_first_and_marks_every_answer, fixture) {
    auto guard = std::make_shared<test_guard>();
    routes.guard(guard);
    auto answer = ask(bh::verb::get, "/metrics");
    BOOST_TEST(answer.result_int() == 200U);
    BOOST_TEST(answer["X-Frame-Options"] == "deny");
    answer = ask(bh::verb::get, "/metrics");
    BOOST_TEST(answer.result_int() == 429U);
    BOOST_TEST(answer["X-Frame-Options"] == "deny");
    BOOST_TEST(calls == 1);
    answer = ask(bh::verb::get, "/nowhere");
    BOOST_TEST(answer.result_int() == 404U);
    BOOST_TEST(answer["X-Frame-Options"] == "deny");
    // Credentials named by the guard (after a reload, say) apply from the next request.
    guard->users = std::make_shared<test_credentials>();
    guard->seen = 0;
    answer = ask(bh::verb::get, "/metrics");
    BOOST_TEST(answer.result_int() == 401U);
    BOOST_TEST(answer[bh::field::www_authenticate] == credential_check::challenge);
    BOOST_TEST(answer["X-Frame-Options"] == "deny");
}
