#include "config/options.hpp"

#include "lae/version.hpp"

#include <array>
#include <boost/program_options.hpp>
#include <charconv>
#include <sstream>

namespace lae::config {
namespace {

namespace po = boost::program_options;

constexpr std::string_view environment_prefix = "LINUX_AUDIT_EXPORTER_";

// One row per setting: the flag, its variable and its help; defaults live in `options`.
struct setting {
    const char* flag;
    const char* environment_suffix;
    const char* help;
    bool is_switch = false; // may be given without a value: --flag means --flag=true
};

constexpr std::array settings = {
    setting{"listen-address", "LISTEN_ADDRESS",
            "address to listen on: host:port, [ipv6]:port or :port (default 0.0.0.0:9090; "
            "note that 9090 is also Prometheus's own port)"},
    setting{"metrics-path", "METRICS_PATH", "path of the metrics (default /metrics)"},
    setting{"health-path", "HEALTH_PATH",
            "path of the health check: 200 when the kernel answers, 503 when not "
            "(default /healthz)"},
    setting{"log-level", "LOG_LEVEL", "debug, info, warn or error (default info)"},
    setting{"log-format", "LOG_FORMAT", "logfmt or json (default logfmt)"},
    setting{"audit-timeout", "AUDIT_TIMEOUT",
            "longest wait for the kernel's answer, e.g. 500ms or 2s (default 1s)"},
    setting{"kernel-hz", "KERNEL_HZ",
            "the kernel's CONFIG_HZ, to turn jiffies into seconds (default: read from "
            "/proc/config.gz or /boot/config-$(uname -r))"},
    setting{"web.config.file", "WEB_CONFIG_FILE",
            "exporter-toolkit web configuration (YAML) for TLS and basic authentication, the "
            "same file node_exporter takes (default: none, plain HTTP)"},
    setting{"max-connections", "MAX_CONNECTIONS",
            "most client connections at once; past it the longest idle one is closed "
            "(default 512)"},
    setting{"collector.records", "COLLECTOR_RECORDS",
            "count every audit record the kernel emits, by type, rule key and login result "
            "(needs CAP_AUDIT_READ too; true or false, default false)",
            true},
    setting{"collector.records.max-keys", "COLLECTOR_RECORDS_MAX_KEYS",
            "most distinct rule keys the records collector labels; the rest count under "
            "key=\"(other)\" (default 512)"},
};

std::string environment_name(const setting& s) {
    return std::string(environment_prefix) + s.environment_suffix;
}

po::options_description describe() {
    po::options_description description("Options", 100, 50);
    auto add = description.add_options();
    add("help,h", "print this help and exit");
    add("version", "print the version and exit");
    for (const auto& s : settings) {
        // The variable first: a long name at a line's end would be split by the wrapping.
        // (Appended rather than "$" + name: GCC 12 warns falsely on that operator+, PR 105329.)
        std::string help = "$";
        help += environment_name(s);
        help += ": ";
        help += s.help;
        auto* value = po::value<std::string>()->value_name("VALUE");
        if (s.is_switch) {
            value->implicit_value("true");
        }
        add(s.flag, value, help.c_str());
    }
    // The Prometheus ecosystem spells these with dots; accept both spellings.
    add("log.level", po::value<std::string>()->value_name("VALUE"), "same as --log-level");
    add("log.format", po::value<std::string>()->value_name("VALUE"), "same as --log-format");
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

// Validates one raw value into `out`; returns an error sentence or "".
std::string apply(options& out, const std::string& flag, const std::string& value) {
    if (flag == "listen-address") {
        auto address = parse_listen_address(value);
        if (!address) {
            return "expected host:port, [ipv6]:port or :port with a port from 0 to 65535";
        }
        out.listen = *address;
    } else if (flag == "metrics-path" || flag == "health-path") {
        if (value.empty() || value.front() != '/' || value.find_first_of("?# ") != value.npos) {
            return "expected an absolute path such as /metrics, without query or spaces";
        }
        (flag == "metrics-path" ? out.metrics_path : out.health_path) = value;
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
    } else if (flag == "max-connections") {
        const auto parsed = parse_integer<std::size_t>(value);
        if (!parsed || *parsed == 0 || *parsed > 100000) {
            return "expected a number from 1 to 100000";
        }
        out.max_connections = *parsed;
    } else if (flag == "collector.records") {
        if (value == "true" || value == "1") {
            out.collector_records = true;
        } else if (value == "false" || value == "0") {
            out.collector_records = false;
        } else {
            return "expected true or false";
        }
    } else if (flag == "collector.records.max-keys") {
        const auto parsed = parse_integer<std::size_t>(value);
        if (!parsed || *parsed == 0 || *parsed > 100000) {
            return "expected a number from 1 to 100000";
        }
        out.records_max_keys = *parsed;
    }
    return {};
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
    // Variables first, so that flags, applied after, win.
    for (const auto& s : settings) {
        const auto name = environment_name(s);
        if (const char* value = lookup(name.c_str()); value != nullptr) {
            if (auto problem = apply(result.settings, s.flag, value); !problem.empty()) {
                return invalid("invalid value \"" + std::string(value) + "\" in $" + name + ": " +
                               problem);
            }
        }
    }
    for (const auto& [flag, value] : given) {
        const auto& text = value.as<std::string>();
        if (auto problem = apply(result.settings, flag, text); !problem.empty()) {
            return invalid("invalid value \"" + text + "\" for --" + flag + ": " + problem);
        }
    }
    if (result.settings.metrics_path == result.settings.health_path) {
        return invalid("--metrics-path and --health-path must differ (both are \"" +
                       result.settings.metrics_path + "\")");
    }
    return result;
}

} // namespace lae::config
