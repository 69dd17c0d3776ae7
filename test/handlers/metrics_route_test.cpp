#define BOOST_TEST_MODULE metrics route
#include "handlers/metrics_handler.hpp"
#include "http/gzip.hpp"
#include "metrics/family.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae;
namespace bh = boost::beast::http;

// Rendering needs no kernel: a scrape result made here is what the route renders.
namespace {

scrape::result batch(std::uint64_t number, double value) {
    scrape::result r;
    r.batch = number;
    r.scrapes = 2;
    r.families.push_back(metrics::single("linux_audit_up", metrics::metric_type::gauge,
                                         "1 when the kernel answered.", value));
    r.families.push_back(metrics::family{"linux_audit_records_lost",
                                         metrics::metric_type::counter,
                                         "Records lost.",
                                         {metrics::sample{{}, 5}}});
    return r;
}

} // namespace

BOOST_AUTO_TEST_CASE(text_and_openmetrics_bodies_from_families) {
    handlers::exposition_cache cache;
    const auto scraped = batch(1, 1);
    const auto text = cache.answer(scraped, metrics::exposition_format::text, false);
    BOOST_TEST(text.result_int() == 200U);
    BOOST_TEST(text[bh::field::content_type] == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(text[bh::field::vary] == "Accept, Accept-Encoding");
    BOOST_TEST(text[bh::field::content_encoding].empty());
    BOOST_TEST(text.body().find("# TYPE linux_audit_up gauge\nlinux_audit_up 1\n") !=
               std::string::npos);
    BOOST_TEST(text.body().find("linux_audit_records_lost_total 5\n") != std::string::npos);

    const auto om = cache.answer(scraped, metrics::exposition_format::openmetrics, true);
    BOOST_TEST(om[bh::field::content_type] ==
               "application/openmetrics-text; version=1.0.0; charset=utf-8");
    BOOST_TEST(om[bh::field::content_encoding] == "gzip");
    const auto body = http::gunzip(om.body());
    BOOST_TEST(body.find("# TYPE linux_audit_records_lost counter\n") != std::string::npos);
    BOOST_TEST(body.ends_with("# EOF\n"));
}

BOOST_AUTO_TEST_CASE(each_variant_is_rendered_once_per_batch) {
    handlers::exposition_cache cache;
    const auto first = batch(1, 1);
    const auto a = cache.answer(first, metrics::exposition_format::text, true);
    const auto b = cache.answer(first, metrics::exposition_format::text, true);
    BOOST_TEST(a.body().shared() != nullptr);
    BOOST_TEST(a.body().shared() == b.body().shared()); // the same bytes, not a copy
    const auto plain = cache.answer(first, metrics::exposition_format::text, false);
    BOOST_TEST(plain.body().shared() != a.body().shared()); // another variant

    // The next batch is rendered afresh, with its own values.
    const auto next = cache.answer(batch(2, 0), metrics::exposition_format::text, false);
    BOOST_TEST(next.body().shared() != plain.body().shared());
    BOOST_TEST(next.body().find("\nlinux_audit_up 0\n") != std::string::npos);
}
