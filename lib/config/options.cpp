#include "config/options.hpp"

#include "lae/version.hpp"

#include <algorithm>
#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <sstream>

namespace lae::config {
namespace {

namespace po = boost::program_options;

constexpr std::string_view environment_prefix = "LINUX_AUDIT_EXPORTER_";

enum class kind {
    single,     // --flag VALUE
    repeatable, // --flag VALUE, given again for more; the variable takes a comma-separated list
    toggle,     // --flag alone means --flag=true; the variable takes true or false
};

// One row per setting: the flag, its variable, its --help group and its help; defaults live
// in `options`. Flags that name the same setting (the Go exporter's and the
// exporter-toolkit's spellings) each have their own variable.
struct setting {
    const char* flag;
    const char* environment_suffix;
    const char* group;
    const char* help;
    kind shape = kind::single;
};

constexpr const char* web_group = "Web server";
constexpr const char* kernel_group = "Kernel";
constexpr const char* collector_group = "Collectors";
constexpr const char* log_group = "Logging";

constexpr std::array settings = {
    setting{"web.listen-address", "WEB_LISTEN_ADDRESS", web_group,
            "address to listen on: host:port, [ipv6]:port or :port; give it again for more "
            "listeners, e.g. 127.0.0.1:9090 and [::1]:9090 (default 0.0.0.0:9090; note that "
            "9090 is also Prometheus's own port)",
            kind::repeatable},
    setting{"listen-address", "LISTEN_ADDRESS", web_group, "same as --web.listen-address",
            kind::repeatable},
    setting{"web.systemd-socket", "WEB_SYSTEMD_SOCKET", web_group,
            "serve on the sockets systemd passes (socket activation, LISTEN_FDS) instead of "
            "listening on --web.listen-address",
            kind::toggle},
    setting{"web.telemetry-path", "WEB_TELEMETRY_PATH", web_group,
            "path of the metrics (default /metrics)"},
    setting{"metrics-path", "METRICS_PATH", web_group, "same as --web.telemetry-path"},
    setting{"health-path", "HEALTH_PATH", web_group,
            "path of the health check: 200 when the kernel answers, 503 when not "
            "(default /healthz)"},
    setting{"web.config.file", "WEB_CONFIG_FILE", web_group,
            "exporter-toolkit web configuration (YAML): TLS, client certificates, basic "
            "authentication, headers, rate limit; the same file node_exporter takes, re-read "
            "when it changes (default: none, plain HTTP)"},
    setting{"max-connections", "MAX_CONNECTIONS", web_group,
            "most client connections at once; past it the longest idle one is closed "
            "(default 512)"},
    setting{"audit-timeout", "AUDIT_TIMEOUT", kernel_group,
            "longest wait for the kernel's answer, e.g. 500ms or 2s (default 1s)"},
    setting{"kernel-hz", "KERNEL_HZ", kernel_group,
            "the kernel's CONFIG_HZ, to turn jiffies into seconds (default: read from "
            "/proc/config.gz or /boot/config-$(uname -r))"},
    setting{"rules.max-keys", "RULES_MAX_KEYS", kernel_group,
            "most distinct rule keys exported in linux_audit_rules_with_key, each its own "
            "series; rules with further keys are counted under key=\"(other)\" (default 512)"},
    setting{"rules.min-interval", "RULES_MIN_INTERVAL", kernel_group,
            "list the audit rules at most this often, e.g. 30s, answering scrapes in between "
            "from the last list, whose age linux_audit_rules_age_seconds then says; for very "
            "large rule sets (default 0: every scrape)"},
    setting{"log-level", "LOG_LEVEL", log_group, "debug, info, warn or error (default info)"},
    setting{"log-format", "LOG_FORMAT", log_group, "logfmt or json (default logfmt)"},
    setting{"collector.records", "COLLECTOR_RECORDS", collector_group,
            "count every audit record the kernel emits, by type, rule key and login result "
            "(needs CAP_AUDIT_READ too; true or false, default false)",
            kind::toggle},
    setting{"collector.records.max-keys", "COLLECTOR_RECORDS_MAX_KEYS", collector_group,
            "most distinct rule keys the records collector labels; the rest count under "
            "key=\"(other)\" (default 512)"},
};

std::string environment_name(const setting& s) {
    return std::string(environment_prefix) + s.environment_suffix;
}

po::options_description describe() {
    po::options_description description("Options", 100, 50);
    description.add_options()("help,h", "print this help and exit")("version",
                                                                    "print the version and exit");
    for (const char* group : {web_group, kernel_group, collector_group, log_group}) {
        po::options_description section(group, 100, 50);
        auto add = section.add_options();
        for (const auto& s : settings) {
            if (std::string_view(s.group) != group) {
                continue;
            }
            // The variable first: a long name at a line's end would be split by the wrapping.
            // (Appended rather than "$" + name: GCC 12 warns falsely on that operator+, PR
            // 105329.)
            std::string help = "$";
            help += environment_name(s);
            help += ": ";
            help += s.help;
            switch (s.shape) {
            case kind::single:
                add(s.flag, po::value<std::string>()->value_name("VALUE"), help.c_str());
                break;
            case kind::repeatable:
                add(s.flag, po::value<std::vector<std::string>>()->composing()->value_name("VALUE"),
                    help.c_str());
                break;
            case kind::toggle:
                add(s.flag, po::value<std::string>()->implicit_value("true")->value_name("VALUE"),
                    help.c_str());
                break;
            }
        }
        if (std::string_view(group) == log_group) {
            // The Prometheus ecosystem spells these with dots; accept both spellings.
            add("log.level", po::value<std::string>()->value_name("VALUE"), "same as --log-level");
            add("log.format", po::value<std::string>()->value_name("VALUE"),
                "same as --log-format");
        }
        description.add(section);
    }
    return description;
}

std::string help_text(const po::options_description& description) {
    std::ostringstream out;
    out << "linux-audit-exporter " << version
        << ": export the Linux kernel audit status as Prometheus metrics\n\n"
        << "Usage: linux-audit-exporter [options]\n\n"
        << description << "\nEvery option can also be set by the environment variable named "
        << "before its help;\na flag beats its variable.\n\nNeeds CAP_AUDIT_CONTROL and the "
        << "host PID namespace; root is not needed.\n";
    return out.str();
}

template <typename Integer> std::optional<Integer> parse_integer(std::string_view text) {
    Integer value{};
    const auto* end = text.data() + text.size();
    const auto [stop, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc{} || stop != end || text.empty()) {
        return std::nullopt;
    }
    return value;
}

// A switch's value, as Go's flag package reads the common spellings.
std::optional<bool> parse_bool(std::string_view text) {
    if (text == "true" || text == "1") {
        return true;
    }
    if (text == "false" || text == "0") {
        return false;
    }
    return std::nullopt;
}

// Validates one raw value into `out`; returns an error sentence or "".
std::string apply(options& out, const std::string& flag, const std::string& value) {
    if (flag == "listen-address" || flag == "web.listen-address") {
        auto address = parse_listen_address(value);
        if (!address) {
            return "expected host:port, [ipv6]:port or :port with a port from 0 to 65535";
        }
        out.listen.push_back(*address); // the caller empties the list first
    } else if (flag == "web.systemd-socket") {
        const auto parsed = parse_bool(value);
        if (!parsed) {
            return "expected true or false";
        }
        out.systemd_socket = *parsed;
    } else if (flag == "metrics-path" || flag == "web.telemetry-path" || flag == "health-path") {
        if (value.empty() || value.front() != '/' || value.find_first_of("?# ") != value.npos) {
            return "expected an absolute path such as /metrics, without query or spaces";
        }
        (flag == "health-path" ? out.health_path : out.metrics_path) = value;
    } else if (flag == "log-level" || flag == "log.level") {
        const auto parsed = logging::parse_level(value);
        if (!parsed) {
            return "expected debug, info, warn or error";
        }
        out.log_level = *parsed;
    } else if (flag == "log-format" || flag == "log.format") {
        const auto parsed = logging::parse_format(value);
        if (!parsed) {
            return "expected logfmt or json";
        }
        out.log_format = *parsed;
    } else if (flag == "audit-timeout") {
        const auto parsed = parse_duration(value);
        if (!parsed || *parsed < std::chrono::milliseconds(1) ||
            *parsed > std::chrono::minutes(1)) {
            return "expected a duration from 1ms to 1m, such as 500ms or 2s";
        }
        out.audit_timeout = *parsed;
    } else if (flag == "kernel-hz") {
        const auto parsed = parse_integer<unsigned>(value);
        if (!parsed || *parsed == 0 || *parsed > 100000) {
            return "expected the kernel's CONFIG_HZ, a positive number such as 100, 250 or 1000";
        }
        out.kernel_hz = *parsed;
    } else if (flag == "web.config.file") {
        if (value.empty()) {
            return "expected the path of a web configuration file";
        }
        out.web_config_file = value;
    } else if (flag == "rules.max-keys") {
        const auto parsed = parse_integer<std::size_t>(value);
        if (!parsed || *parsed > 100000) {
            return "expected a number from 0 to 100000";
        }
        out.rules_max_keys = *parsed;
    } else if (flag == "rules.min-interval") {
        const auto parsed = parse_duration(value);
        if (!parsed || *parsed > std::chrono::hours(1)) {
            return "expected a duration from 0s to 60m, such as 30s";
        }
        out.rules_min_interval = *parsed;
    } else if (flag == "max-connections") {
        const auto parsed = parse_integer<std::size_t>(value);
        if (!parsed || *parsed == 0 || *parsed > 100000) {
            return "expected a number from 1 to 100000";
        }
        out.max_connections = *parsed;
    } else if (flag == "collector.records") {
        const auto parsed = parse_bool(value);
        if (!parsed) {
            return "expected true or false";
        }
        out.collector_records = *parsed;
    } else if (flag == "collector.records.max-keys") {
        const auto parsed = parse_integer<std::size_t>(value);
        if (!parsed || *parsed == 0 || *parsed > 100000) {
            return "expected a number from 1 to 100000";
        }
        out.records_max_keys = *parsed;
    }
    return {};
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
    std::string_view rest(text);
    std::size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9') {
        ++digits;
    }
    const auto number = parse_integer<std::uint32_t>(rest.substr(0, digits));
    if (!number) {
        return std::nullopt;
    }
    const auto unit = rest.substr(digits);
    const std::chrono::milliseconds amount{*number};
    if (unit == "ms") {
        return amount;
    }
    if (unit == "s" || unit.empty()) {
        return amount * 1000;
    }
    if (unit == "m") {
        return amount * 60000;
    }
    return std::nullopt;
}

parse_result parse(std::span<const char* const> arguments, const environment& lookup) {
    const auto description = describe();
    po::variables_map given;
    try {
        po::store(
            po::command_line_parser(static_cast<int>(arguments.size()), arguments.data())
                .options(description)
                .style(po::command_line_style::unix_style & ~po::command_line_style::allow_guessing)
                .run(),
            given);
    } catch (const po::error& error) {
        return invalid(error.what());
    }
    if (given.count("help") != 0U) {
        return {outcome::help, {}, help_text(description)};
    }
    if (given.count("version") != 0U) {
        return {outcome::version,
                {},
                std::string("linux-audit-exporter ") + version + " (revision " + revision + ")\n"};
    }

    parse_result result;
    // Variables first, so that flags, applied after, win. A list given again (by a variable
    // or by flags) replaces the one before; the flags of one list add up.
    bool listen_from_flags = false;
    for (const auto& s : settings) {
        const auto name = environment_name(s);
        const char* value = lookup(name.c_str());
        if (value == nullptr) {
            continue;
        }
        std::vector<std::string> values = {value};
        if (s.shape == kind::repeatable) {
            result.settings.listen.clear();
            values = split_list(value);
        }
        for (const auto& one : values) {
            if (auto problem = apply(result.settings, s.flag, one); !problem.empty()) {
                return invalid("invalid value \"" + std::string(value) + "\" in $" + name + ": " +
                               problem);
            }
        }
    }
    for (const auto& [flag, value] : given) {
        std::vector<std::string> values;
        if (flag == "listen-address" || flag == "web.listen-address") {
            if (!listen_from_flags) {
                result.settings.listen.clear();
                listen_from_flags = true;
            }
            values = value.as<std::vector<std::string>>();
        } else {
            values = {value.as<std::string>()};
        }
        for (const auto& text : values) {
            if (auto problem = apply(result.settings, flag, text); !problem.empty()) {
                return invalid("invalid value \"" + text + "\" for --" + flag + ": " + problem);
            }
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
