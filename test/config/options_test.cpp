#define BOOST_TEST_MODULE config options
#include "config/options.hpp"
#include "lae/version.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <vector>

using namespace lae::config;

namespace {

struct invocation {
    std::vector<const char*> arguments{"linux-audit-exporter"};
    std::map<std::string, std::string> variables;

    parse_result run() const {
        return parse(arguments, [this](const char* name) -> const char* {
            const auto found = variables.find(name);
            return found == variables.end() ? nullptr : found->second.c_str();
        });
    }
};

parse_result with_flags(std::initializer_list<const char*> flags) {
    invocation call;
    call.arguments.insert(call.arguments.end(), flags);
    return call.run();
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_match_the_go_exporter) {
    const auto result = invocation{}.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run));
    BOOST_TEST(result.settings.listen.host == "0.0.0.0");
    BOOST_TEST(result.settings.listen.port == 9090);
    BOOST_TEST(result.settings.metrics_path == "/metrics");
    BOOST_TEST(result.settings.health_path == "/healthz");
    BOOST_TEST((result.settings.log_level == lae::logging::level::info));
    BOOST_TEST(!result.settings.kernel_hz.has_value());
}

BOOST_AUTO_TEST_CASE(flags_in_both_spellings) {
    const auto result =
        with_flags({"--listen-address=127.0.0.1:9555", "--metrics-path", "/m", "--health-path=/h",
                    "--log-level=debug", "--log.format=json", "--kernel-hz=1000",
                    "--audit-timeout=250ms", "--max-connections=7"});
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    const auto& s = result.settings;
    BOOST_TEST(s.listen.host == "127.0.0.1");
    BOOST_TEST(s.listen.port == 9555);
    BOOST_TEST(s.metrics_path == "/m");
    BOOST_TEST(s.health_path == "/h");
    BOOST_TEST((s.log_level == lae::logging::level::debug));
    BOOST_TEST((s.log_format == lae::logging::format::json));
    BOOST_TEST(*s.kernel_hz == 1000U);
    BOOST_TEST(s.audit_timeout.count() == 250);
    BOOST_TEST(s.max_connections == 7U);
}

BOOST_AUTO_TEST_CASE(environment_variables_set_every_option) {
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS", "[::1]:9100"},
                      {"LINUX_AUDIT_EXPORTER_METRICS_PATH", "/x"},
                      {"LINUX_AUDIT_EXPORTER_HEALTH_PATH", "/y"},
                      {"LINUX_AUDIT_EXPORTER_LOG_LEVEL", "error"}};
    const auto result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    BOOST_TEST(result.settings.listen.host == "::1");
    BOOST_TEST(result.settings.listen.port == 9100);
    BOOST_TEST(result.settings.metrics_path == "/x");
    BOOST_TEST(result.settings.health_path == "/y");
    BOOST_TEST((result.settings.log_level == lae::logging::level::error));
}

BOOST_AUTO_TEST_CASE(a_flag_beats_its_variable) {
    invocation call;
    call.arguments.push_back("--metrics-path=/flag");
    call.variables = {{"LINUX_AUDIT_EXPORTER_METRICS_PATH", "/variable"},
                      {"LINUX_AUDIT_EXPORTER_HEALTH_PATH", "/from-env"}};
    const auto result = call.run();
    BOOST_TEST(result.settings.metrics_path == "/flag");
    BOOST_TEST(result.settings.health_path == "/from-env");
}

BOOST_AUTO_TEST_CASE(listen_address_forms) {
    BOOST_TEST((*parse_listen_address("[::]:9090") == listen_address{"::", 9090}));
    BOOST_TEST((*parse_listen_address(":9090") == listen_address{"0.0.0.0", 9090}));
    BOOST_TEST((*parse_listen_address("localhost:1") == listen_address{"localhost", 1}));
    BOOST_TEST((*parse_listen_address("127.0.0.1:0") == listen_address{"127.0.0.1", 0}));
    BOOST_TEST(!parse_listen_address("9090"));
    BOOST_TEST(!parse_listen_address("host:65536"));
    BOOST_TEST(!parse_listen_address("host:-1"));
    BOOST_TEST(!parse_listen_address("host:"));
    BOOST_TEST(!parse_listen_address("::1:9090"));
    BOOST_TEST(!parse_listen_address("[]:9090"));
}

BOOST_AUTO_TEST_CASE(durations) {
    BOOST_TEST(parse_duration("500ms")->count() == 500);
    BOOST_TEST(parse_duration("2s")->count() == 2000);
    BOOST_TEST(parse_duration("3")->count() == 3000);
    BOOST_TEST(parse_duration("1m")->count() == 60000);
    BOOST_TEST(!parse_duration("fast"));
    BOOST_TEST(!parse_duration("1h"));
    BOOST_TEST(!parse_duration(""));
}

BOOST_AUTO_TEST_CASE(each_bad_value_names_its_option) {
    const std::vector<std::pair<const char*, const char*>> cases = {
        {"--listen-address=nope", "--listen-address"},
        {"--metrics-path=metrics", "--metrics-path"},
        {"--health-path=/a b", "--health-path"},
        {"--log-level=loud", "--log-level"},
        {"--log-format=xml", "--log-format"},
        {"--audit-timeout=0ms", "--audit-timeout"},
        {"--kernel-hz=0", "--kernel-hz"},
        {"--max-connections=0", "--max-connections"},
    };
    for (const auto& [flag, name] : cases) {
        const auto result = with_flags({flag});
        BOOST_TEST((result.action == outcome::invalid), flag);
        BOOST_TEST(result.text.find(name) != std::string::npos, result.text);
        BOOST_TEST(result.text.find('\n') == std::string::npos, "one line: " << result.text);
    }
}

BOOST_AUTO_TEST_CASE(bad_variable_names_the_variable) {
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_LOG_LEVEL", "chatty"}};
    const auto result = call.run();
    BOOST_TEST((result.action == outcome::invalid));
    BOOST_TEST(result.text.find("LINUX_AUDIT_EXPORTER_LOG_LEVEL") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unknown_flag_and_missing_value_are_invalid) {
    auto result = with_flags({"--no-such-flag"});
    BOOST_TEST((result.action == outcome::invalid));
    BOOST_TEST(result.text.find("no-such-flag") != std::string::npos);
    result = with_flags({"--metrics-path"});
    BOOST_TEST((result.action == outcome::invalid));
    // No guessing of abbreviations: --metrics must not silently mean --metrics-path.
    result = with_flags({"--metrics=/x"});
    BOOST_TEST((result.action == outcome::invalid));
}

BOOST_AUTO_TEST_CASE(same_path_twice_is_invalid) {
    const auto result = with_flags({"--metrics-path=/same", "--health-path=/same"});
    BOOST_TEST((result.action == outcome::invalid));
}

BOOST_AUTO_TEST_CASE(help_lists_every_flag_and_variable) {
    const auto result = with_flags({"-h"});
    BOOST_TEST_REQUIRE((result.action == outcome::help));
    for (const char* word : {"--listen-address", "--metrics-path", "--health-path", "--log-level",
                             "LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS",
                             "LINUX_AUDIT_EXPORTER_LOG_LEVEL", "CAP_AUDIT_CONTROL"}) {
        BOOST_TEST(result.text.find(word) != std::string::npos, word);
    }
}

BOOST_AUTO_TEST_CASE(version_names_version_and_revision) {
    const auto result = with_flags({"--version"});
    BOOST_TEST((result.action == outcome::version));
    BOOST_TEST(result.text.find(lae::version) != std::string::npos);
}

BOOST_AUTO_TEST_CASE(records_collector_flags) {
    BOOST_TEST(!with_flags({}).settings.collector_records);
    BOOST_TEST(with_flags({}).settings.records_max_keys == 512U);
    const auto on = with_flags({"--collector.records", "--collector.records.max-keys=9"});
    BOOST_TEST_REQUIRE((on.action == outcome::run), on.text);
    BOOST_TEST(on.settings.collector_records);
    BOOST_TEST(on.settings.records_max_keys == 9U);
    BOOST_TEST(with_flags({"--collector.records=true"}).settings.collector_records);
    BOOST_TEST(!with_flags({"--collector.records=false"}).settings.collector_records);
    BOOST_TEST((with_flags({"--collector.records=maybe"}).action == outcome::invalid));
    BOOST_TEST((with_flags({"--collector.records.max-keys=0"}).action == outcome::invalid));
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS", "true"},
                      {"LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS_MAX_KEYS", "20"}};
    const auto from_environment = call.run();
    BOOST_TEST(from_environment.settings.collector_records);
    BOOST_TEST(from_environment.settings.records_max_keys == 20U);
    call.arguments.push_back("--collector.records=false");
    BOOST_TEST(!call.run().settings.collector_records);
}
