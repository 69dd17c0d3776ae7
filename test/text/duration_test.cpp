#define BOOST_TEST_MODULE go durations
#include "text/duration.hpp"

#include <boost/test/unit_test.hpp>

using lae::text::parse_go_duration;

BOOST_AUTO_TEST_CASE(go_durations) {
    using namespace std::chrono;
    BOOST_TEST((parse_go_duration("0") == nanoseconds(0)));
    BOOST_TEST((parse_go_duration("250ms") == milliseconds(250)));
    BOOST_TEST((parse_go_duration("1.5s") == milliseconds(1500)));
    BOOST_TEST((parse_go_duration("1h2m3s") == seconds(3723)));
    BOOST_TEST((parse_go_duration("1000000000") == seconds(1))); // a YAML integer: nanoseconds
    for (const char* bad : {"", "s", "1x", "-1s", "1..2s", "99999999999999h"}) {
        BOOST_TEST(!parse_go_duration(bad).has_value(), bad);
    }
}
