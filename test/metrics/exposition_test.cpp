#define BOOST_TEST_MODULE metrics exposition
#include "metrics/exposition.hpp"

#include <boost/test/unit_test.hpp>
#include <clocale>
#include <cmath>
#include <limits>
#include <locale>

using namespace lae::metrics;

namespace {

std::string number(double value) {
    std::string out;
    append_number(out, value);
    return out;
}

std::string help(exposition_format format, std::string_view text) {
    std::string out;
    append_escaped_help(out, format, text);
    return out;
}

std::string label_value(std::string_view text) {
    std::string out;
    append_escaped_label_value(out, text);
    return out;
}

const std::vector<family> sample_families = {
    single("demo_gauge", metric_type::gauge, "A gauge.", 3),
    single("demo_events", metric_type::counter, "Events seen.", 12),
    family{"demo_info", metric_type::gauge, "Labels.", {sample{{label{"version", "1.2"}}, 1}}},
    family{"demo_empty", metric_type::gauge, "Never shown.", {}},
};

} // namespace

BOOST_AUTO_TEST_CASE(text_format_exact_output) {
    std::string out;
    write(out, exposition_format::text, sample_families);
    BOOST_TEST(out == "# HELP demo_gauge A gauge.\n"
                      "# TYPE demo_gauge gauge\n"
                      "demo_gauge 3\n"
                      "# HELP demo_events_total Events seen.\n"
                      "# TYPE demo_events_total counter\n"
                      "demo_events_total 12\n"
                      "# HELP demo_info Labels.\n"
                      "# TYPE demo_info gauge\n"
                      "demo_info{version=\"1.2\"} 1\n");
}

BOOST_AUTO_TEST_CASE(openmetrics_exact_output) {
    std::string out;
    write(out, exposition_format::openmetrics, sample_families);
    BOOST_TEST(out == "# HELP demo_gauge A gauge.\n"
                      "# TYPE demo_gauge gauge\n"
                      "demo_gauge 3\n"
                      "# HELP demo_events Events seen.\n"
                      "# TYPE demo_events counter\n"
                      "demo_events_total 12\n"
                      "# HELP demo_info Labels.\n"
                      "# TYPE demo_info gauge\n"
                      "demo_info{version=\"1.2\"} 1\n"
                      "# EOF\n");
}

BOOST_AUTO_TEST_CASE(empty_exposition) {
    std::string text;
    write(text, exposition_format::text, {});
    BOOST_TEST(text.empty());
    std::string om;
    write(om, exposition_format::openmetrics, {});
    BOOST_TEST(om == "# EOF\n");
}

BOOST_AUTO_TEST_CASE(content_types) {
    BOOST_TEST(content_type(exposition_format::text) == "text/plain; version=0.0.4; charset=utf-8");
    BOOST_TEST(content_type(exposition_format::openmetrics) ==
               "application/openmetrics-text; version=1.0.0; charset=utf-8");
}

// One test per escape and special value.
BOOST_AUTO_TEST_CASE(help_escapes_backslash) {
    BOOST_TEST(help(exposition_format::text, "a\\b") == "a\\\\b");
}
BOOST_AUTO_TEST_CASE(help_escapes_newline) {
    BOOST_TEST(help(exposition_format::text, "a\nb") == "a\\nb");
}
BOOST_AUTO_TEST_CASE(text_help_keeps_quotes) {
    BOOST_TEST(help(exposition_format::text, "a\"b") == "a\"b");
}
BOOST_AUTO_TEST_CASE(openmetrics_help_escapes_quotes) {
    BOOST_TEST(help(exposition_format::openmetrics, "a\"b") == "a\\\"b");
}
BOOST_AUTO_TEST_CASE(label_value_escapes_backslash) {
    BOOST_TEST(label_value("a\\b") == "a\\\\b");
}
BOOST_AUTO_TEST_CASE(label_value_escapes_quote) {
    BOOST_TEST(label_value("a\"b") == "a\\\"b");
}
BOOST_AUTO_TEST_CASE(label_value_escapes_newline) {
    BOOST_TEST(label_value("a\nb") == "a\\nb");
}
BOOST_AUTO_TEST_CASE(label_value_keeps_utf8) {
    BOOST_TEST(label_value("é✓") == "é✓");
}

BOOST_AUTO_TEST_CASE(positive_infinity) {
    BOOST_TEST(number(std::numeric_limits<double>::infinity()) == "+Inf");
}
BOOST_AUTO_TEST_CASE(negative_infinity) {
    BOOST_TEST(number(-std::numeric_limits<double>::infinity()) == "-Inf");
}
BOOST_AUTO_TEST_CASE(not_a_number) {
    BOOST_TEST(number(std::nan("")) == "NaN");
}
BOOST_AUTO_TEST_CASE(zero_and_negative_zero) {
    BOOST_TEST(number(0.0) == "0");
    BOOST_TEST(number(-0.0) == "0");
}
BOOST_AUTO_TEST_CASE(integers_in_full) {
    BOOST_TEST(number(15000) == "15000");
    BOOST_TEST(number(1000000) == "1000000");
    BOOST_TEST(number(4294967295.0) == "4294967295");
    BOOST_TEST(number(-5) == "-5");
}
BOOST_AUTO_TEST_CASE(fractions_round_trip) {
    BOOST_TEST(number(0.25) == "0.25");
    BOOST_TEST(number(60.004) == "60.004");
    BOOST_TEST(std::stod(number(0.1 + 0.2)) == 0.1 + 0.2);
}
BOOST_AUTO_TEST_CASE(huge_and_tiny_values) {
    BOOST_TEST(number(1e300) == "1e+300");
    BOOST_TEST(number(1.5e-7) == "1.5e-07");
}

BOOST_AUTO_TEST_CASE(numbers_ignore_the_process_locale) {
    // A locale whose decimal point is a comma, as de_DE has; both the C and C++ locales.
    struct comma : std::numpunct<char> {
        char do_decimal_point() const override { return ','; }
        std::string do_grouping() const override { return "\3"; }
        char do_thousands_sep() const override { return '.'; }
    };
    const auto old = std::locale::global(std::locale(std::locale::classic(), new comma));
    const char* c_locale = std::setlocale(LC_ALL, "de_DE.UTF-8");
    BOOST_TEST(number(0.25) == "0.25");
    BOOST_TEST(number(1234567) == "1234567");
    std::locale::global(old);
    if (c_locale != nullptr) {
        std::setlocale(LC_ALL, "C");
    }
}
