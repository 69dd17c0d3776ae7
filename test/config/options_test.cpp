#define BOOST_TEST_MODULE config options
#include "collectors/records.hpp"
#include "collectors/registry.hpp"
#include "collectors/rules.hpp"
#include "collectors/status.hpp"
#include "config/options.hpp"
#include "lae/version.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <cctype>
#include <map>
#include <memory>
#include <vector>

using namespace lae::config;

namespace {

struct invocation {
    std::vector<const char*> arguments{"linux-audit-exporter"};
    std::map<std::string, std::string> variables;
    // The collectors (and their settings) of the last run(): each run starts from the defaults.
    mutable std::shared_ptr<lae::collectors::registry> collectors;

    parse_result run() const {
        collectors = std::make_shared<lae::collectors::registry>();
        const auto collector_flags = collectors->flags();
        return parse(
            arguments,
            [this](const char* name) -> const char* {
                const auto found = variables.find(name);
                return found == variables.end() ? nullptr : found->second.c_str();
            },
            collector_flags);
    }

    template <typename Collector> const Collector& collector(std::string_view name) const {
        return dynamic_cast<const Collector&>(*collectors->find(name));
    }
    const lae::collectors::rules_collector& rules() const {
        return collector<lae::collectors::rules_collector>("rules");
    }
};

invocation with(std::initializer_list<const char*> flags) {
    invocation call;
    call.arguments.insert(call.arguments.end(), flags);
    return call;
}

parse_result with_flags(std::initializer_list<const char*> flags) {
    return with(flags).run();
}

} // namespace

BOOST_AUTO_TEST_CASE(defaults_match_the_go_exporter) {
    const auto result = invocation{}.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run));
    BOOST_TEST(result.settings.listen.at(0).host == "0.0.0.0");
    BOOST_TEST(result.settings.listen.at(0).port == 9090);
    BOOST_TEST(result.settings.metrics_path == "/metrics");
    BOOST_TEST(result.settings.health_path == "/healthz");
    BOOST_TEST((result.settings.log_level == lae::logging::level::info));
}

BOOST_AUTO_TEST_CASE(collector_defaults) {
    const invocation call;
    BOOST_TEST_REQUIRE((call.run().action == outcome::run));
    BOOST_TEST(!call.collector<lae::collectors::status_collector>("status").configured_hz());
    BOOST_TEST(call.rules().max_keys() == 512U);
    BOOST_TEST(call.rules().min_interval().count() == 0);
    for (const char* on : {"status", "rules", "features", "build_info", "process"}) {
        BOOST_TEST(call.collectors->enabled(on), on);
    }
    BOOST_TEST(!call.collectors->enabled("records"));
}

BOOST_AUTO_TEST_CASE(flags_in_both_spellings) {
    const auto call = with({"--listen-address=127.0.0.1:9555", "--metrics-path", "/m",
                            "--health-path=/h", "--log-level=debug", "--log.format=json",
                            "--kernel-hz=1000", "--audit-timeout=250ms", "--max-connections=7"});
    const auto result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    const auto& s = result.settings;
    BOOST_TEST(s.listen.at(0).host == "127.0.0.1");
    BOOST_TEST(s.listen.at(0).port == 9555);
    BOOST_TEST(s.metrics_path == "/m");
    BOOST_TEST(s.health_path == "/h");
    BOOST_TEST((s.log_level == lae::logging::level::debug));
    BOOST_TEST((s.log_format == lae::logging::format::json));
    BOOST_TEST(*call.collector<lae::collectors::status_collector>("status").configured_hz() ==
               1000U);
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
    BOOST_TEST(result.settings.listen.at(0).host == "::1");
    BOOST_TEST(result.settings.listen.at(0).port == 9100);
    BOOST_TEST(result.settings.metrics_path == "/x");
    BOOST_TEST(result.settings.health_path == "/y");
    BOOST_TEST((result.settings.log_level == lae::logging::level::error));
}

BOOST_AUTO_TEST_CASE(max_connections_per_client_from_flag_and_variable) {
    BOOST_TEST(with_flags({}).settings.max_connections_per_client == 0U); // 3/4 of the cap
    BOOST_TEST(with_flags({"--max-connections-per-client=5"}).settings.max_connections_per_client ==
               5U);
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_MAX_CONNECTIONS_PER_CLIENT", "9"}};
    const auto result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    BOOST_TEST(result.settings.max_connections_per_client == 9U);
    BOOST_TEST(with_flags({"--help"}).text.find("--max-connections-per-client") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(rules_max_keys_from_flag_and_variable) {
    auto call = with({"--rules.max-keys=3"});
    call.run();
    BOOST_TEST(call.rules().max_keys() == 3U);
    call = with({"--rules.max-keys=0"});
    call.run();
    BOOST_TEST(call.rules().max_keys() == 0U); // all "(other)"
    call = invocation{};
    call.variables = {{"LINUX_AUDIT_EXPORTER_RULES_MAX_KEYS", "40"}};
    call.run();
    BOOST_TEST(call.rules().max_keys() == 40U);
    call.arguments.push_back("--rules.max-keys=41");
    call.run();
    BOOST_TEST(call.rules().max_keys() == 41U);
}

BOOST_AUTO_TEST_CASE(rules_min_interval_from_flag_and_variable) {
    auto call = with({"--rules.min-interval=30s"});
    call.run();
    BOOST_TEST(call.rules().min_interval().count() == 30000);
    call = invocation{};
    call.variables = {{"LINUX_AUDIT_EXPORTER_RULES_MIN_INTERVAL", "1m30s"}};
    call.run();
    BOOST_TEST(call.rules().min_interval().count() == 90000);
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
    // Go's grammar, as node_exporter's flags take it.
    BOOST_TEST(parse_duration("1h")->count() == 3600000);
    BOOST_TEST(parse_duration("1m30s")->count() == 90000);
    BOOST_TEST(parse_duration("1.5s")->count() == 1500);
    BOOST_TEST(parse_duration("250ms")->count() == 250);
    BOOST_TEST(parse_duration("0")->count() == 0);
    BOOST_TEST(!parse_duration("fast"));
    BOOST_TEST(!parse_duration("1.5")); // a bare number is whole seconds
    BOOST_TEST(!parse_duration("-1s"));
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
        {"--max-connections-per-client=-1", "--max-connections-per-client"},
        {"--max-connections-per-client=100001", "--max-connections-per-client"},
        {"--rules.max-keys=-1", "--rules.max-keys"},
        {"--rules.max-keys=many", "--rules.max-keys"},
        {"--rules.min-interval=61m", "--rules.min-interval"},
        {"--rules.min-interval=soon", "--rules.min-interval"},
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

BOOST_AUTO_TEST_CASE(several_listen_addresses_in_both_spellings) {
    const auto result = with_flags({"--web.listen-address=127.0.0.1:9090", "--web.listen-address",
                                    "[::1]:9090", "--listen-address=:9100"});
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    const auto& listen = result.settings.listen;
    BOOST_TEST_REQUIRE(listen.size() == 3U);
    // The order of listeners does not matter; all three are there.
    for (const auto& wanted : {listen_address{"127.0.0.1", 9090}, listen_address{"::1", 9090},
                               listen_address{"0.0.0.0", 9100}}) {
        BOOST_TEST((std::find(listen.begin(), listen.end(), wanted) != listen.end()), wanted.host);
    }
}

BOOST_AUTO_TEST_CASE(listen_list_from_the_variable_and_flags_replace_it) {
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_WEB_LISTEN_ADDRESS", "127.0.0.1:1, [::1]:2"}};
    auto result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    BOOST_TEST(result.settings.listen.size() == 2U);
    BOOST_TEST(result.settings.listen[1].port == 2U);
    call.arguments.push_back("--web.listen-address=127.0.0.1:3");
    result = call.run();
    BOOST_TEST_REQUIRE(result.settings.listen.size() == 1U);
    BOOST_TEST(result.settings.listen[0].port == 3U);
}

BOOST_AUTO_TEST_CASE(telemetry_path_and_systemd_socket) {
    auto result = with_flags({"--web.telemetry-path=/t", "--web.systemd-socket"});
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    BOOST_TEST(result.settings.metrics_path == "/t");
    BOOST_TEST(result.settings.systemd_socket);
    BOOST_TEST(!with_flags({}).settings.systemd_socket);
    BOOST_TEST(!with_flags({"--web.systemd-socket=false"}).settings.systemd_socket);
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_WEB_SYSTEMD_SOCKET", "true"},
                      {"LINUX_AUDIT_EXPORTER_WEB_TELEMETRY_PATH", "/v"}};
    result = call.run();
    BOOST_TEST(result.settings.systemd_socket);
    BOOST_TEST(result.settings.metrics_path == "/v");
    call.variables = {{"LINUX_AUDIT_EXPORTER_WEB_SYSTEMD_SOCKET", "maybe"}};
    BOOST_TEST((call.run().action == outcome::invalid));
}

BOOST_AUTO_TEST_CASE(help_is_grouped) {
    const auto text = with_flags({"--help"}).text;
    const auto web = text.find("Web server:");
    const auto kernel = text.find("Kernel:");
    const auto logs = text.find("Logging:");
    BOOST_TEST_REQUIRE(
        (web != std::string::npos && kernel != std::string::npos && logs != std::string::npos),
        text);
    BOOST_TEST((web < kernel && kernel < logs));
    for (const char* word : {"--web.listen-address", "--web.telemetry-path", "--web.systemd-socket",
                             "LINUX_AUDIT_EXPORTER_WEB_SYSTEMD_SOCKET"}) {
        BOOST_TEST(text.find(word) != std::string::npos, word);
    }
}

BOOST_AUTO_TEST_CASE(records_collector_flags) {
    const auto records = [](const invocation& call) {
        return call.collector<lae::collectors::records_collector>("records").max_keys();
    };
    auto call = invocation{};
    call.run();
    BOOST_TEST(!call.collectors->enabled("records"));
    BOOST_TEST(records(call) == 512U);
    call = with({"--collector.records", "--collector.records.max-keys=9"});
    const auto on = call.run();
    BOOST_TEST_REQUIRE((on.action == outcome::run), on.text);
    BOOST_TEST(call.collectors->enabled("records"));
    BOOST_TEST(records(call) == 9U);
    call = with({"--collector.records=true"});
    call.run();
    BOOST_TEST(call.collectors->enabled("records"));
    call = with({"--collector.records=false"});
    call.run();
    BOOST_TEST(!call.collectors->enabled("records"));
    BOOST_TEST((with_flags({"--collector.records=maybe"}).action == outcome::invalid));
    BOOST_TEST((with_flags({"--collector.records.max-keys=0"}).action == outcome::invalid));
    call = invocation{};
    call.variables = {{"LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS", "true"},
                      {"LINUX_AUDIT_EXPORTER_COLLECTOR_RECORDS_MAX_KEYS", "20"}};
    call.run();
    BOOST_TEST(call.collectors->enabled("records"));
    BOOST_TEST(records(call) == 20U);
    call.arguments.push_back("--collector.records=false");
    call.run();
    BOOST_TEST(!call.collectors->enabled("records"));
}

BOOST_AUTO_TEST_CASE(every_collector_has_collector_and_no_collector_flags_and_a_variable) {
    for (const char* name : {"status", "rules", "features", "records", "build_info", "process"}) {
        const std::string on = std::string("--collector.") + name;
        const std::string off = std::string("--no-collector.") + name;
        auto call = with({on.c_str()});
        BOOST_TEST_REQUIRE((call.run().action == outcome::run), name);
        BOOST_TEST(call.collectors->enabled(name), name);
        call = with({on.c_str(), off.c_str()}); // the last one wins
        BOOST_TEST_REQUIRE((call.run().action == outcome::run), name);
        BOOST_TEST(!call.collectors->enabled(name), name);
        call = with({off.c_str(), on.c_str()});
        call.run();
        BOOST_TEST(call.collectors->enabled(name), name);
        call = invocation{};
        std::string variable = std::string("LINUX_AUDIT_EXPORTER_COLLECTOR_") + name;
        std::transform(variable.begin(), variable.end(), variable.begin(),
                       [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
        call.variables = {{variable, "false"}};
        call.run();
        BOOST_TEST(!call.collectors->enabled(name), variable);
        call.variables = {{variable, "true"}};
        call.arguments.push_back(off.c_str()); // a flag beats its variable
        call.run();
        BOOST_TEST(!call.collectors->enabled(name), name);
    }
    // Listed once in --help, as kingpin shows --[no-]collector.X.
    const auto help = with_flags({"--help"}).text;
    BOOST_TEST(help.find("--collector.records") != std::string::npos);
    BOOST_TEST(help.find("\n  --no-collector.records") == std::string::npos); // not its own line
    BOOST_TEST(help.find("LINUX_AUDIT_EXPORTER_COLLECTOR_STATUS") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_last_value_of_a_repeated_flag_wins_in_either_spelling) {
    BOOST_TEST(with_flags({"--metrics-path=/a", "--metrics-path=/b"}).settings.metrics_path ==
               "/b");
    BOOST_TEST(with_flags({"--web.telemetry-path=/a", "--metrics-path=/b"}).settings.metrics_path ==
               "/b");
    BOOST_TEST(with_flags({"--metrics-path=/b", "--web.telemetry-path=/a"}).settings.metrics_path ==
               "/a");
    BOOST_TEST((with_flags({"--log.level=debug", "--log-level=warn"}).settings.log_level ==
                lae::logging::level::warn));
    BOOST_TEST((with_flags({"--log-level=warn", "--log.level=debug"}).settings.log_level ==
                lae::logging::level::debug));
    auto call = with({"--rules.max-keys=3", "--rules.max-keys=4"});
    BOOST_TEST_REQUIRE((call.run().action == outcome::run));
    BOOST_TEST(call.rules().max_keys() == 4U);
    // A repeatable flag still adds up, across both spellings.
    const auto listen =
        with_flags({"--listen-address=127.0.0.1:1", "--web.listen-address=127.0.0.1:2"});
    BOOST_TEST(listen.settings.listen.size() == 2U);
}

BOOST_AUTO_TEST_CASE(a_stray_argument_is_refused) {
    const auto result = with_flags({"127.0.0.1:19895"});
    BOOST_TEST_REQUIRE((result.action == outcome::invalid));
    BOOST_TEST(result.text.find("\"127.0.0.1:19895\"") != std::string::npos, result.text);
    BOOST_TEST(result.text.find("--web.listen-address") != std::string::npos, result.text);
    BOOST_TEST((with_flags({"--log-level=debug", "extra"}).action == outcome::invalid));
}

BOOST_AUTO_TEST_CASE(variables_of_one_setting_must_agree) {
    invocation call;
    call.variables = {{"LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS", ":9100"},
                      {"LINUX_AUDIT_EXPORTER_WEB_LISTEN_ADDRESS", ":9200"}};
    auto result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::invalid));
    BOOST_TEST(result.text.find("LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS") != std::string::npos,
               result.text);
    BOOST_TEST(result.text.find("LINUX_AUDIT_EXPORTER_WEB_LISTEN_ADDRESS") != std::string::npos,
               result.text);
    call.variables = {{"LINUX_AUDIT_EXPORTER_METRICS_PATH", "/a"},
                      {"LINUX_AUDIT_EXPORTER_WEB_TELEMETRY_PATH", "/b"}};
    BOOST_TEST((call.run().action == outcome::invalid));
    // The same value twice is one setting, not a conflict.
    call.variables = {{"LINUX_AUDIT_EXPORTER_METRICS_PATH", "/a"},
                      {"LINUX_AUDIT_EXPORTER_WEB_TELEMETRY_PATH", "/a"}};
    result = call.run();
    BOOST_TEST_REQUIRE((result.action == outcome::run), result.text);
    BOOST_TEST(result.settings.metrics_path == "/a");
    // And a flag in either spelling beats both.
    call.variables = {{"LINUX_AUDIT_EXPORTER_LISTEN_ADDRESS", ":9100"},
                      {"LINUX_AUDIT_EXPORTER_WEB_TELEMETRY_PATH", "/v"}};
    call.arguments.push_back("--web.listen-address=:9300");
    call.arguments.push_back("--metrics-path=/f");
    result = call.run();
    BOOST_TEST(result.settings.listen.at(0).port == 9300);
    BOOST_TEST(result.settings.listen.size() == 1U);
    BOOST_TEST(result.settings.metrics_path == "/f");
}
