#define BOOST_TEST_MODULE readme metrics table
// The README's metrics table is printed from the catalogue; this keeps the two in step.
#include "metrics/catalogue.hpp"

#include <boost/test/unit_test.hpp>
#include <fstream>
#include <sstream>

BOOST_AUTO_TEST_CASE(readme_holds_the_catalogues_table) {
    std::ifstream file(LAE_README_PATH);
    BOOST_TEST_REQUIRE(file.good(), "cannot read " LAE_README_PATH);
    std::stringstream readme;
    readme << file.rdbuf();
    const auto table = lae::metrics::markdown_table();
    BOOST_TEST(readme.str().find(table) != std::string::npos,
               "README.md's metrics table differs from the catalogue; paste this:\n"
                   << table);
}
