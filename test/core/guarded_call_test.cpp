#define BOOST_TEST_MODULE core_guarded_call
#include "core/guarded_call.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <stdexcept>
#include <vector>

BOOST_AUTO_TEST_CASE(a_repeated_bug_is_logged_at_powers_of_two_with_its_count) {
    lae::doubling_throttle throttle;
    std::vector<std::uint64_t> logged;
    for (int i = 0; i < 100; ++i) {
        if (const auto count = throttle.admit()) {
            logged.push_back(*count);
        }
    }
    const std::vector<std::uint64_t> expected{1, 2, 4, 8, 16, 32, 64};
    BOOST_TEST(logged == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(what_a_call_threw_of_any_type) {
    BOOST_TEST(!lae::exception_from([] {}).has_value());
    BOOST_TEST(*lae::exception_from([] { throw std::runtime_error("oops"); }) == "oops");
    BOOST_TEST(*lae::exception_from([] { throw 7; }) == "an exception of unknown type");
}
