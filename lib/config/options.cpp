#include "config/options.hpp"

#include "lae/version.hpp"
#include "text/duration.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <map>
#include <set>
#include <sstream>

namespace lae::config {
namespace {

namespace po = boost::program_options;

constexpr std::string_view environment_prefix = "LINUX_AUDIT_EXPORTER_";

constexpr const char* web_group = "Web server";
constexpr const char* kernel_group = "Kernel";
constexpr const char* collector_group = collectors_group;
constexpr const char* log_group = "Logging";

template <typename Integer> std::optional<Integer> parse_integer(std::string_view text) {
    Integer value{};
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string check_path(const std::string& value, std::string& out) {
    if (value.empty() || value.front() != '/' || value.find_first_of("?# ") != value.npos) {
        return "expected an absolute path such as /metrics, without query or spaces";
    }
    out = value;
    return {};
}

// The exporter's own flags, storing into `out`. Flags with the same `setting` are two
// spellings of one setting: the Go exporter's and the exporter-toolkit's.
std::vector<flag> own_flags(options& out) {
    const auto listen = [&out](const std::string& value) -> std::string {
        auto address = parse_listen_address(value);
        if (!address) {
            return "expected host:port, [ipv6]:port or :port with a port from 0 to 65535";
        }
        out.listen.push_back(*address);
        return {};
    };
    const auto clear_listen = [&out] {
        out.listen.clear();
    };
    const auto metrics_path = [&out](const std::string& value) {
        return check_path(value, out.metrics_path);
    };
    const auto log_level = [&out](const std::string& value) -> std::string {
        const auto parsed = logging::parse_level(value);
        if (!parsed) {
            return "expected debug, info, warn or error";
        }
        out.log_level = *parsed;
        return {};
    };
    const auto log_format = [&out](const std::string& value) -> std::string {
        const auto parsed = logging::parse_format(value);
        if (!parsed) {
            return "expected logfmt or json";
        }
        out.log_format = *parsed;
        return {};
    };
    return {
        {"web.listen-address", "WEB_LISTEN_ADDRESS", web_group,
         "address to listen on: host:port, [ipv6]:port or :port; give it again for more "
         "listeners, e.g. 127.0.0.1:9090 and [::1]:9090 (default 0.0.0.0:9090; note that "
         "9090 is also Prometheus's own port)",
         flag_shape::repeatable, listen, "listen", false, clear_listen},
        {"listen-address", "LISTEN_ADDRESS", web_group, "same as --web.listen-address",
         flag_shape::repeatable, listen, "listen", false, clear_listen},
        {"web.systemd-socket", "WEB_SYSTEMD_SOCKET", web_group,
         "serve on the sockets systemd passes (socket activation, LISTEN_FDS) instead of "
         "listening on --web.listen-address",
         flag_shape::toggle,
         [&out](const std::string& value) -> std::string {
             const auto parsed = parse_bool(value);
             if (!parsed) {
                 return "expected true or false";
             }
             out.systemd_socket = *parsed;
             return {};
         }},
        {"web.telemetry-path", "WEB_TELEMETRY_PATH", web_group,
         "path of the metrics (default /metrics)", flag_shape::single, metrics_path,
         "metrics-path"},
        {"metrics-path", "METRICS_PATH", web_group, "same as --web.telemetry-path",
         flag_shape::single, metrics_path, "metrics-path"},
        {"health-path", "HEALTH_PATH", web_group,
         "path of the health check: 200 when the kernel answers, 503 when not "
         "(default /healthz)",
         flag_shape::single,
         [&out](const std::string& value) {
             return check_path(value, out.health_path);
         }},
        {"web.config.file", "WEB_CONFIG_FILE", web_group,
         "exporter-toolkit web configuration (YAML): TLS, client certificates, basic "
         "authentication, headers, rate limit; the same file node_exporter takes, re-read "
         "when it changes (default: none, plain HTTP)",
         flag_shape::single,
         [&out](const std::string& value) -> std::string {
             if (value.empty()) {
                 return "expected the path of a web configuration file";
             }
             out.web_config_file = value;
             return {};
         }},
        {"max-connections", "MAX_CONNECTIONS", web_group,
         "most client connections at once (lowered to fit the open-files limit); past it the "
         "longest idle one, or else the longest-stalled writer, is closed (default 512)",
         flag_shape::single,
         [&out](const std::string& value) -> std::string {
             const auto parsed = parse_count(value);
             if (!parsed || *parsed == 0 || *parsed > 100000) {
                 return "expected a number from 1 to 100000";
             }
             out.max_connections = *parsed;
             return {};
         }},
        {"max-connections-per-client", "MAX_CONNECTIONS_PER_CLIENT", web_group,
         "most connections one client (an IPv4 address, an IPv6 /64) may hold; past it one of its "
         "own idle or "
         "stalled ones is closed, or else the new one (default 0: three quarters of "
         "--max-connections)",
         flag_shape::single,
         [&out](const std::string& value) -> std::string {
             const auto parsed = parse_count(value);
             if (!parsed || *parsed > 100000) {
                 return "expected a number from 0 (three quarters of --max-connections) to "
                        "100000";
             }
             out.max_connections_per_client = *parsed;
             return {};
         }},
        {"audit-timeout", "AUDIT_TIMEOUT", kernel_group,
         "longest wait for the kernel's answer, e.g. 500ms or 2s (default 1s)", flag_shape::single,
         [&out](const std::string& value) -> std::string {
             const auto parsed = parse_duration(value);
             if (!parsed || *parsed < std::chrono::milliseconds(1) ||
                 *parsed > std::chrono::minutes(1)) {
                 return "expected a duration from 1ms to 1m, such as 500ms or 2s";
             }
             out.audit_timeout = *parsed;
             return {};
         }},
        {"log-level", "LOG_LEVEL", log_group, "debug, info, warn or error (default info)",
         flag_shape::single, log_level, "log-level"},
        {"log-format", "LOG_FORMAT", log_group, "logfmt or json (default logfmt)",
         flag_shape::single, log_format, "log-format"},
        // The Prometheus ecosystem spells these with dots; one variable serves both spellings.
        {"log.level", "", log_group, "same as --log-level", flag_shape::single, log_level,
         "log-level"},
        {"log.format", "", log_group, "same as --log-format", flag_shape::single, log_format,
         "log-format"},
    };
}

std::string environment_name(const flag& f) {
    return std::string(environment_prefix) + f.environment_suffix;
}

const std::string& setting_of(const flag& f) {
    return f.setting.empty() ? f.name : f.setting;
}

// Every flag, for parsing; `visible` gets the ones --help lists, by group.
po::options_description describe(std::span<const flag> flags, po::options_description& visible) {
    po::options_description all;
    const auto add_to = [](po::options_description& where, const flag& f, bool with_help) {
        // The variable first: a long name at a line's end would be split by the wrapping.
        // (Appended rather than "$" + name: GCC 12 warns falsely on that operator+, PR 105329.)
        std::string help;
        if (with_help) {
            if (!f.environment_suffix.empty()) {
                help = "$";
                help += environment_name(f);
                help += ": ";
            }
            help += f.help;
        }
        auto add = where.add_options();
        switch (f.shape) {
        case flag_shape::single:
        case flag_shape::repeatable:
            add(f.name.c_str(), po::value<std::string>()->value_name("VALUE"), help.c_str());
            break;
        case flag_shape::toggle:
            add(f.name.c_str(),
                po::value<std::string>()->implicit_value("true")->value_name("VALUE"),
                help.c_str());
            break;
        }
    };
    visible.add_options()("help,h", "print this help and exit")("version",
                                                                "print the version and exit");
    all.add_options()("help,h", "")("version", "");
    for (const auto& f : flags) {
        add_to(all, f, false);
    }
    for (const char* group : {web_group, kernel_group, collector_group, log_group}) {
        po::options_description section(group, 100, 50);
        for (const auto& f : flags) {
            if (f.group == group || (group == collector_group && f.group.empty())) {
                if (!f.hidden) {
                    add_to(section, f, true);
                }
            }
        }
        visible.add(section);
    }
    return all;
}

std::string help_text(const po::options_description& description) {
    std::ostringstream out;
    out << "linux-audit-exporter " << version
        << ": export the Linux kernel audit status as Prometheus metrics\n\n"
        << "Usage: linux-audit-exporter [options]\n\n"
        << description << "\nEvery option can also be set by the environment variable named "
        << "before its help;\na flag beats its variable. Given twice, a flag's last value wins "
        << "(a repeatable one adds up);\ntwo spellings of one setting are one flag, and their "
        << "variables must agree.\nEach collector has a no- form that turns it off "
        << "(--no-collector.records). Durations take\nGo's form (1m30s, 250ms); a bare number "
        << "is seconds.\n\nNeeds "
        << "CAP_AUDIT_CONTROL and the host PID namespace; root is not needed.\n";
    return out.str();
}

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = std::min(text.find(',', start), text.size());
        auto item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(' '));
        item.erase(item.find_last_not_of(' ') + 1);
        if (!item.empty()) {
            out.push_back(item);
        }
        start = comma + 1;
    }
    return out;
}

parse_result invalid(std::string text) {
    return {outcome::invalid, {}, std::move(text)};
}

} // namespace

std::optional<listen_address> parse_listen_address(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos) {
        return std::nullopt;
    }
    std::string host = text.substr(0, colon);
    const auto port = parse_integer<std::uint16_t>(std::string_view(text).substr(colon + 1));
    if (!port) {
        return std::nullopt;
    }
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
        if (host.find(':') == std::string::npos) {
            return std::nullopt;
        }
    } else if (host.find_first_of(":[] ") != std::string::npos) {
        return std::nullopt; // an IPv6 address must be in brackets
    }
    if (host.empty()) {
        host = "0.0.0.0";
    }
    return listen_address{host, *port};
}

std::optional<std::chrono::milliseconds> parse_duration(const std::string& text) {
    if (const auto seconds = parse_integer<std::uint32_t>(text)) {
        return std::chrono::milliseconds(std::uint64_t{*seconds} * 1000); // as before Go's grammar
    }
    const auto parsed = text::parse_go_duration(text);
    if (!parsed) {
        return std::nullopt;
    }
    return std::chrono::floor<std::chrono::milliseconds>(*parsed);
}

std::optional<bool> parse_bool(std::string_view text) {
    // As Go's flag package reads the common spellings.
    if (text == "true" || text == "1") {
        return true;
    }
    if (text == "false" || text == "0") {
        return false;
    }
    return std::nullopt;
}

std::optional<std::size_t> parse_count(std::string_view text) {
    return parse_integer<std::size_t>(text);
}

parse_result parse(std::span<const char* const> arguments, const environment& lookup,
                   std::span<const flag> more) {
    parse_result result;
    auto flags = own_flags(result.settings);
    flags.insert(flags.end(), more.begin(), more.end());
    po::options_description visible("Options", 100, 50);
    const auto description = describe(flags, visible);
    po::parsed_options given(&description);
    try {
        given =
            po::command_line_parser(static_cast<int>(arguments.size()), arguments.data())
                .options(description)
                .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                .run();
    } catch (const po::error& error) {
        return invalid(error.what());
    }
    for (const auto& option : given.options) {
        if (option.position_key >= 0) {
            const auto text = option.value.empty() ? std::string() : option.value.front();
            return invalid("unexpected argument \"" + text +
                           "\": every setting is a --flag=value (an address to listen on: "
                           "--web.listen-address=" +
                           text + ")");
        }
        if (option.string_key == "help") {
            return {outcome::help, {}, help_text(visible)};
        }
        if (option.string_key == "version") {
            return {outcome::version,
                    {},
                    std::string("linux-audit-exporter ") + version + " (revision " + revision +
                        ")\n"};
        }
    }
    const auto find = [&flags](const std::string& name) {
        return std::find_if(flags.begin(), flags.end(),
                            [&name](const flag& f) { return f.name == name; });
    };

    // Variables first, so that flags, applied after, win. The variables of one setting (its
    // two spellings) must agree: which one should win is anyone's guess.
    // setting -> (the variable that set it, its value)
    std::map<std::string, std::pair<std::string, std::string>> from_environment;
    for (const auto& f : flags) {
        if (f.environment_suffix.empty()) {
            continue;
        }
        const auto name = environment_name(f);
        const char* value = lookup(name.c_str());
        if (value == nullptr) {
            continue;
        }
        const auto [seen, first] =
            from_environment.try_emplace(setting_of(f), name, std::string(value));
        if (!first) {
            if (seen->second.second != value) {
                return invalid("$" + seen->second.first + " and $" + name +
                               " set the same setting to different values (\"" +
                               seen->second.second + "\" and \"" + value +
                               "\"): unset one of them");
            }
            continue;
        }
        std::vector<std::string> values = {value};
        if (f.shape == flag_shape::repeatable) {
            f.clear();
            values = split_list(value);
        }
        for (const auto& one : values) {
            if (auto problem = f.apply(one); !problem.empty()) {
                return invalid("invalid value \"" + std::string(value) + "\" in $" + name + ": " +
                               problem);
            }
        }
    }
    // Then the flags, in the order given: the last value of a setting wins; the flags of a
    // repeatable one replace its default or variable, and add up.
    std::set<std::string> repeated;
    for (const auto& option : given.options) {
        const auto f = find(option.string_key);
        if (f == flags.end()) {
            continue;
        }
        if (f->shape == flag_shape::repeatable && repeated.insert(setting_of(*f)).second) {
            f->clear();
        }
        const std::string text = option.value.empty() ? "true" : option.value.front();
        if (auto problem = f->apply(text); !problem.empty()) {
            return invalid("invalid value \"" + text + "\" for --" + f->name + ": " + problem);
        }
    }
    if (result.settings.listen.empty() && !result.settings.systemd_socket) {
        return invalid("no address to listen on: give --web.listen-address (or "
                       "--web.systemd-socket)");
    }
    if (result.settings.metrics_path == result.settings.health_path) {
        return invalid("--web.telemetry-path and --health-path must differ (both are \"" +
                       result.settings.metrics_path + "\")");
    }
    return result;
}

} // namespace lae::config
