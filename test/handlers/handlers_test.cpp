#define BOOST_TEST_MODULE handlers
#include "audit/client.hpp"
#include "handlers/health_handler.hpp"
#include "handlers/landing_page.hpp"
#include "handlers/metrics_handler.hpp"
#include "http/gzip.hpp"
#include "lae/version.hpp"
#include "support/metrics_route.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <vector>

using namespace lae;
namespace bh = boost::beast::http;

namespace {

http::response call(boost::asio::io_context& context, const http::handler& h,
                    http::request incoming) {
    std::optional<http::response> answer;
    h(incoming, [&](http::response r) { answer = std::move(r); });
    context.run();
    context.restart();
    BOOST_TEST_REQUIRE(answer.has_value());
    return *answer;
}

http::request get(std::string target) {
    return http::request{bh::verb::get, target, 11};
}

} // namespace

BOOST_AUTO_TEST_CASE(metrics_from_the_real_kernel_in_text_and_openmetrics_with_gzip) {
    boost::asio::io_context context;
    audit::client kernel(context.get_executor(), std::chrono::seconds(2));
    const testing::metrics_route route(context.get_executor(), kernel);
    const http::handler h = route.handler();

    const auto text = call(context, h, get("/metrics"));
    BOOST_TEST(text.result_int() == 200U);
    BOOST_TEST(text[bh::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(text.body().find("\nlinux_audit_up 1\n") != std::string::npos);
    BOOST_TEST(text.body().find("\nlinux_audit_rules ") != std::string::npos);

    auto request = get("/metrics");
    request.set(bh::field::accept, "application/openmetrics-text;version=1.0.0");
    request.set(bh::field::accept_encoding, "gzip");
    const auto om = call(context, h, request);
    BOOST_TEST(om[bh::field::content_type] ==
               "application/openmetrics-text; version=1.0.0; charset=utf-8");
    BOOST_TEST(om[bh::field::content_encoding] == "gzip");
    const auto body = http::gunzip(om.body());
    BOOST_TEST(body.ends_with("# EOF\n"));
    BOOST_TEST(
        body.find("\n# TYPE linux_audit_records_lost counter\nlinux_audit_records_lost_total ") !=
        std::string::npos);
    // One family per name: the legacy gauge's name is used by no other family.
    BOOST_TEST(body.find("# TYPE linux_audit_lost counter") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(rules_min_interval_reuses_the_last_list_and_says_how_old) {
    boost::asio::io_context context;
    audit::client kernel(context.get_executor(), std::chrono::seconds(2));
    const testing::metrics_route every_scrape(context.get_executor(), kernel);
    const http::handler every = every_scrape.handler();
    const auto plain = call(context, every, get("/metrics")).body();
    BOOST_TEST(kernel.requests_sent() == 3U); // status, rules, features
    BOOST_TEST(plain.find("linux_audit_rules_age_seconds") == std::string::npos);

    const testing::metrics_route cached(context.get_executor(), kernel,
                                        {"--rules.min-interval=1h"});
    const http::handler h = cached.handler();
    const auto first = call(context, h, get("/metrics")).body();
    BOOST_TEST(kernel.requests_sent() == 6U);
    BOOST_TEST(first.find("\nlinux_audit_rules_age_seconds 0\n") != std::string::npos);
    const auto second = call(context, h, get("/metrics")).body();
    BOOST_TEST(kernel.requests_sent() == 8U); // the rules were not asked again
    BOOST_TEST(second.find("\nlinux_audit_rules ") != std::string::npos);
    BOOST_TEST(second.find("\nlinux_audit_rules_age_seconds 0\n") == std::string::npos);
    BOOST_TEST(second.find("\nlinux_audit_rules_age_seconds ") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(metrics_when_the_kernel_is_silent_is_up_zero_alone) {
    boost::asio::io_context context;
    // NETLINK_KOBJECT_UEVENT never answers an AUDIT_GET: a real timeout.
    audit::client silent(context.get_executor(), std::chrono::milliseconds(50), 15);
    const testing::metrics_route route(context.get_executor(), silent);
    const auto answer = call(context, route.handler(), get("/metrics"));
    BOOST_TEST(answer.result_int() == 200U);
    BOOST_TEST(answer.body().find("\nlinux_audit_up 0\n") != std::string::npos);
    BOOST_TEST(answer.body().find("linux_audit_backlog") == std::string::npos);
    BOOST_TEST(answer.body().find("linux_audit_rules") == std::string::npos);
    BOOST_TEST(answer.body().find("process_open_fds") != std::string::npos);
    // Every kernel query failed, and says so instead of only leaving series out.
    for (const char* name : {"status", "rules", "features"}) {
        BOOST_TEST(answer.body().find(
                       std::string("\nlinux_audit_exporter_collector_success{collector=\"") + name +
                       "\"} 0\n") != std::string::npos,
                   name);
    }
    BOOST_TEST(
        answer.body().find("\nlinux_audit_exporter_collector_success{collector=\"process\"} 1\n") !=
        std::string::npos);
}

BOOST_AUTO_TEST_CASE(health_follows_the_kernel) {
    boost::asio::io_context context;
    audit::client kernel(context.get_executor(), std::chrono::seconds(2));
    const auto healthy = call(context, handlers::health_handler(kernel), get("/healthz"));
    BOOST_TEST(healthy.result_int() == 200U);
    BOOST_TEST(healthy.body() == "{\"status\":\"healthy\"}\n");

    audit::client silent(context.get_executor(), std::chrono::milliseconds(50), 15);
    const auto sick = call(context, handlers::health_handler(silent), get("/healthz"));
    BOOST_TEST(sick.result_int() == 503U);
    BOOST_TEST(sick.body().starts_with("{\"status\":\"unhealthy\",\"error\":\""));
    BOOST_TEST(sick.body().find("did not answer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unhealthy_body_escapes_for_json) {
    BOOST_TEST(handlers::unhealthy_body("a\"b\\c\nd") ==
               "{\"status\":\"unhealthy\",\"error\":\"a\\\"b\\\\c\\nd\"}\n");
}

BOOST_AUTO_TEST_CASE(landing_page_links_the_configured_paths_escaped) {
    const handlers::landing_page page("/custom<metrics>", "/h");
    BOOST_TEST(page.html().find("href=\"/custom&lt;metrics&gt;\"") != std::string::npos);
    BOOST_TEST(page.html().find("href=\"/h\"") != std::string::npos);
    BOOST_TEST(page.html().find(lae::version) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(scrapes_answered_together_share_one_body) {
    boost::asio::io_context context;
    audit::client kernel(context.get_executor(), std::chrono::seconds(2));
    const testing::metrics_route route(context.get_executor(), kernel);
    const http::handler h = route.handler();
    std::vector<http::response> answers;
    for (int i = 0; i < 3; ++i) {
        h(get("/metrics"), [&](http::response r) { answers.push_back(std::move(r)); });
    }
    context.run();
    BOOST_TEST_REQUIRE(answers.size() == 3U);
    BOOST_TEST(answers[0].body().find("\nlinux_audit_up ") != std::string::npos);
    BOOST_TEST(answers[0].body().shared() != nullptr);
    BOOST_TEST(answers[1].body().shared() == answers[0].body().shared()); // the same bytes
    BOOST_TEST(answers[2].body().shared() == answers[0].body().shared());
}
