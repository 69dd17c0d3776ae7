#define BOOST_TEST_MODULE metrics negotiation
#include "metrics/negotiation.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae::metrics;

namespace {
bool openmetrics(std::string_view accept) {
    return choose_format(accept) == exposition_format::openmetrics;
}
} // namespace

BOOST_AUTO_TEST_CASE(prometheus_servers_get_openmetrics) {
    // What Prometheus 2.x sends by default.
    BOOST_TEST(openmetrics("application/openmetrics-text;version=1.0.0,application/"
                           "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,"
                           "*/*;q=0.1"));
}

BOOST_AUTO_TEST_CASE(no_header_or_plain_text_gets_text) {
    BOOST_TEST(!openmetrics(""));
    BOOST_TEST(!openmetrics("text/plain"));
    BOOST_TEST(!openmetrics("text/plain;version=0.0.4"));
}

BOOST_AUTO_TEST_CASE(wildcards_get_text) {
    BOOST_TEST(!openmetrics("*/*"));
    BOOST_TEST(!openmetrics("text/*"));
}

BOOST_AUTO_TEST_CASE(q_values_decide) {
    BOOST_TEST(!openmetrics("application/openmetrics-text;q=0.4, text/plain;q=0.9"));
    BOOST_TEST(openmetrics("application/openmetrics-text;q=0.9, text/plain;q=0.4"));
    BOOST_TEST(openmetrics("text/plain;q=0.5, application/openmetrics-text"));
    BOOST_TEST(!openmetrics("application/openmetrics-text;q=0"));
}

BOOST_AUTO_TEST_CASE(malformed_q_is_not_acceptable) {
    BOOST_TEST(!openmetrics("application/openmetrics-text;q=high, text/plain;q=0.1"));
}

BOOST_AUTO_TEST_CASE(unknown_versions_are_not_ours) {
    BOOST_TEST(!openmetrics("application/openmetrics-text;version=2.0.0"));
    BOOST_TEST(openmetrics("application/openmetrics-text; version=\"1.0.0\""));
}

BOOST_AUTO_TEST_CASE(unknown_types_fall_back_to_text) {
    BOOST_TEST(!openmetrics("application/json"));
    BOOST_TEST(
        !openmetrics("application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily"));
}

BOOST_AUTO_TEST_CASE(case_and_spaces_do_not_matter) {
    BOOST_TEST(openmetrics("  Application/OpenMetrics-Text ; Q=1 "));
}

BOOST_AUTO_TEST_CASE(gzip_acceptance) {
    BOOST_TEST(accepts_gzip("gzip"));
    BOOST_TEST(accepts_gzip("deflate, gzip;q=0.5"));
    BOOST_TEST(accepts_gzip("*"));
    BOOST_TEST(accepts_gzip("GZIP"));
    BOOST_TEST(!accepts_gzip(""));
    BOOST_TEST(!accepts_gzip("identity"));
    BOOST_TEST(!accepts_gzip("gzip;q=0"));
    BOOST_TEST(!accepts_gzip("*, gzip;q=0"));
    BOOST_TEST(!accepts_gzip("br, deflate"));
}
