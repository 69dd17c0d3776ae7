#define BOOST_TEST_MODULE logging
#include "logging/logging.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae::logging;

BOOST_AUTO_TEST_CASE(logfmt_quotes_and_escapes_the_message) {
    BOOST_TEST(format_record(format::logfmt, "2026-01-01T00:00:00.000Z", level::warn,
                             "say \"hi\"\nback\\slash") ==
               "ts=2026-01-01T00:00:00.000Z level=warn msg=\"say \\\"hi\\\"\\nback\\\\slash\"");
}

BOOST_AUTO_TEST_CASE(json_is_one_object_a_line) {
    BOOST_TEST(format_record(format::json, "T", level::error, "a\tb\x01") ==
               "{\"ts\":\"T\",\"level\":\"error\",\"msg\":\"a\\tb\\u0001\"}");
}

BOOST_AUTO_TEST_CASE(levels_and_formats_parse) {
    BOOST_TEST((*parse_level("debug") == level::debug));
    BOOST_TEST((*parse_level("warning") == level::warn));
    BOOST_TEST(!parse_level("verbose"));
    BOOST_TEST((*parse_format("json") == format::json));
    BOOST_TEST(!parse_format("xml"));
}
