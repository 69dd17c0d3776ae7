#define BOOST_TEST_MODULE http gzip
#include "http/gzip.hpp"

#include <boost/test/unit_test.hpp>

using namespace lae::http;

BOOST_AUTO_TEST_CASE(round_trip) {
    std::string text;
    for (int i = 0; i < 200; ++i) {
        text += "linux_audit_backlog " + std::to_string(i) + "\n";
    }
    const auto packed = gzip(text);
    BOOST_TEST_REQUIRE(!packed.empty());
    BOOST_TEST(packed.size() < text.size() / 2);
    BOOST_TEST(static_cast<unsigned char>(packed[0]) == 0x1fU); // gzip magic
    BOOST_TEST(static_cast<unsigned char>(packed[1]) == 0x8bU);
    BOOST_TEST(gunzip(packed) == text);
}

BOOST_AUTO_TEST_CASE(empty_input_is_a_valid_member) {
    const auto packed = gzip("");
    BOOST_TEST(!packed.empty());
    BOOST_TEST(gunzip(packed).empty());
}

BOOST_AUTO_TEST_CASE(corrupt_input_does_not_decompress) {
    auto packed = gzip("hello hello hello");
    packed[packed.size() / 2] = static_cast<char>(packed[packed.size() / 2] ^ 0x55);
    BOOST_TEST(gunzip(packed) != "hello hello hello");
}

BOOST_AUTO_TEST_CASE(the_deflate_state_is_made_once_not_per_body) {
    std::string text;
    for (int i = 0; i < 400; ++i) {
        text += "linux_audit_rules_loaded{list=\"exit\"} " + std::to_string(i) + "\n";
    }
    BOOST_TEST(gunzip(gzip(text)) == text);
    const auto after_first = gzip_state_allocations();
    BOOST_TEST(after_first > 0U);
    for (int i = 0; i < 100; ++i) {
        const auto packed = gzip(text.substr(0, text.size() - static_cast<std::size_t>(i)));
        BOOST_TEST_REQUIRE(gunzip(packed) ==
                           text.substr(0, text.size() - static_cast<std::size_t>(i)));
    }
    BOOST_TEST(gzip_state_allocations() == after_first);
}
