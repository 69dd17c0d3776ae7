#define BOOST_TEST_MODULE kernel hz
#include "audit/kernel_hz.hpp"

#include <boost/test/unit_test.hpp>

using lae::audit::parse_config_hz;

BOOST_AUTO_TEST_CASE(finds_config_hz_among_other_lines) {
    BOOST_TEST(*parse_config_hz("CONFIG_HZ_250=y\nCONFIG_HZ=250\nCONFIG_X=y\n") == 250U);
    BOOST_TEST(*parse_config_hz("CONFIG_HZ=1000") == 1000U);
}

BOOST_AUTO_TEST_CASE(ignores_lookalikes_and_comments) {
    BOOST_TEST(!parse_config_hz("# CONFIG_HZ=300 is not set\nCONFIG_HZ_300=y\n"));
    BOOST_TEST(!parse_config_hz("XCONFIG_HZ=100\n"));
    BOOST_TEST(!parse_config_hz(""));
}

BOOST_AUTO_TEST_CASE(rejects_garbage_values) {
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=\n"));
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=0\n"));
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=25x\n"));
}

BOOST_AUTO_TEST_CASE(reads_this_machines_kernel_config_when_it_has_one) {
    // The check machines ship /proc/config.gz (CONFIG_HZ=250); elsewhere the lookup must say
    // why it failed instead of guessing.
    const auto lookup = lae::audit::read_kernel_hz();
    if (lookup.hz) {
        BOOST_TEST((*lookup.hz == 100U || *lookup.hz == 250U || *lookup.hz == 300U ||
                    *lookup.hz == 1000U));
    } else {
        BOOST_TEST(lookup.source.find("--kernel-hz") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_operators_value_comes_before_the_kernel_config) {
    const auto configured = lae::audit::find_kernel_hz(300U);
    BOOST_TEST((configured.hz == std::optional<unsigned>(300U)));
    BOOST_TEST(configured.source == "--kernel-hz");
    const auto found = lae::audit::find_kernel_hz(std::nullopt);
    const auto read = lae::audit::read_kernel_hz();
    BOOST_TEST((found.hz == read.hz));
    BOOST_TEST(found.source == read.source);
}
