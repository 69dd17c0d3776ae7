#define BOOST_TEST_MODULE collectors registry
#include "collectors/registry.hpp"
#include "config/options.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <set>
#include <string>
#include <vector>

using namespace lae;

namespace {

config::parse_result parse_with(collectors::registry& registry,
                                std::vector<const char*> arguments) {
    arguments.insert(arguments.begin(), "linux-audit-exporter");
    const auto flags = registry.flags();
    return config::parse(
        arguments, [](const char*) -> const char* { return nullptr; }, flags);
}

std::vector<std::string> enabled_names(const collectors::registry& registry) {
    std::vector<std::string> out;
    for (const auto* c : registry.enabled_collectors()) {
        out.emplace_back(c->name());
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_CASE(every_collector_has_a_unique_name_help_and_families) {
    const collectors::registry registry;
    std::set<std::string> names;
    for (const char* name : {"status", "rules", "features", "records", "build_info", "process"}) {
        const auto* c = registry.find(name);
        BOOST_TEST_REQUIRE(c != nullptr, name);
        BOOST_TEST(!c->help().empty(), name);
        BOOST_TEST(!c->families().empty(), name);
        names.insert(std::string(c->name()));
    }
    BOOST_TEST(names.size() == 6U);
    BOOST_TEST(registry.find("nonesuch") == nullptr);
}

BOOST_AUTO_TEST_CASE(defaults_and_the_registry_order) {
    collectors::registry registry;
    BOOST_TEST_REQUIRE((parse_with(registry, {}).action == config::outcome::run));
    const std::vector<std::string> expected = {"status", "rules", "features", "build_info",
                                               "process"};
    BOOST_TEST(enabled_names(registry) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(collector_flags_turn_collectors_on_and_off) {
    collectors::registry registry;
    const auto result =
        parse_with(registry, {"--no-collector.features", "--collector.records",
                              "--no-collector.process", "--collector.process=true"});
    BOOST_TEST_REQUIRE((result.action == config::outcome::run), result.text);
    const std::vector<std::string> expected = {"status", "rules", "records", "build_info",
                                               "process"};
    BOOST_TEST(enabled_names(registry) == expected, boost::test_tools::per_element());
    BOOST_TEST(!registry.enabled("features"));
    BOOST_TEST(registry.enabled("records"));
}

BOOST_AUTO_TEST_CASE(every_collector_has_both_flags_and_one_variable) {
    collectors::registry registry;
    const auto flags = registry.flags();
    for (const char* name : {"status", "rules", "features", "records", "build_info", "process"}) {
        const auto named = [&flags](const std::string& flag) {
            return std::find_if(flags.begin(), flags.end(),
                                [&flag](const config::flag& f) { return f.name == flag; });
        };
        const auto on = named(std::string("collector.") + name);
        const auto off = named(std::string("no-collector.") + name);
        BOOST_TEST_REQUIRE((on != flags.end()), name);
        BOOST_TEST_REQUIRE((off != flags.end()), name);
        BOOST_TEST(on->environment_suffix.starts_with("COLLECTOR_"), name);
        BOOST_TEST(off->environment_suffix.empty(), name); // one variable per setting
        BOOST_TEST(off->hidden, name);                     // --help lists it once
        BOOST_TEST(on->setting == off->setting, name);     // one setting: the last one wins
    }
}

BOOST_AUTO_TEST_CASE(a_bad_value_for_a_collector_flag_names_it) {
    collectors::registry registry;
    const auto result = parse_with(registry, {"--collector.rules=perhaps"});
    BOOST_TEST_REQUIRE((result.action == config::outcome::invalid));
    BOOST_TEST(result.text.find("--collector.rules") != std::string::npos, result.text);
}
