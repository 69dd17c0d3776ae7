#define BOOST_TEST_MODULE json strings
#include "text/json.hpp"

#include <boost/test/unit_test.hpp>

namespace {
std::string json(std::string_view value) {
    std::string out;
    lae::text::append_json_string(out, value);
    return out;
}
} // namespace

BOOST_AUTO_TEST_CASE(plain_text_is_quoted) {
    BOOST_TEST(json("abc é") == "\"abc é\"");
}
BOOST_AUTO_TEST_CASE(quote_and_backslash) {
    BOOST_TEST(json("a\"b\\c") == "\"a\\\"b\\\\c\"");
}
BOOST_AUTO_TEST_CASE(short_escapes) {
    BOOST_TEST(json("\n\r\t") == "\"\\n\\r\\t\"");
}
BOOST_AUTO_TEST_CASE(other_control_bytes) {
    BOOST_TEST(json(std::string_view("\x01\x1f\0", 3)) == "\"\\u0001\\u001f\\u0000\"");
}
