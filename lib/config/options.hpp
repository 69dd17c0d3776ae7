// The exporter's settings: command-line flags, each with an environment variable behind it,
// parsed and validated into one struct; the collectors bring their own flags (config::flag),
// which the same rules parse. Precedence: a flag beats every variable; among flags of one
// setting (both spellings included) the last given wins, except that a repeatable one adds up;
// two variables of one setting that disagree are refused.
#pragma once

#include "logging/logging.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace lae::config {

struct listen_address {
    std::string host; // "" means every IPv4 address, as Go's ":9090"
    std::uint16_t port = 0;
    friend bool operator==(const listen_address&, const listen_address&) = default;
};

struct options {
    // One listener each (--web.listen-address, repeatable); unused with systemd_socket.
    std::vector<listen_address> listen{{"0.0.0.0", 9090}};
    bool systemd_socket = false; // take the listeners from systemd (LISTEN_FDS)
    std::string metrics_path = "/metrics";
    std::string health_path = "/healthz";
    logging::level log_level = logging::level::info;
    logging::format log_format = logging::format::logfmt;
    std::chrono::milliseconds audit_timeout{1000};
    std::size_t max_connections = 512;
    std::size_t max_connections_per_client = 0; // 0: three quarters of max_connections
    std::string web_config_file;                // empty: plain HTTP, no authentication
};

enum class flag_shape {
    single,     // --flag VALUE; given again, the last one wins
    repeatable, // --flag VALUE, given again for more; the variable takes a comma-separated list
    toggle,     // --flag alone means --flag=true; the variable takes true or false
};

// The --help section of the collectors' flags (a flag with no group lands there too).
inline constexpr const char* collectors_group = "Collectors";

// One flag, declared where its setting lives (the options below, or a collector's file).
struct flag {
    std::string name;               // without "--"
    std::string environment_suffix; // the variable is LINUX_AUDIT_EXPORTER_ + this; "" for none
    std::string group;              // the --help section
    std::string help;
    flag_shape shape = flag_shape::single;
    // Checks one value and stores it; returns why it is wrong, or "" when it is taken.
    std::function<std::string(const std::string& value)> apply;
    // Flags with the same `setting` are spellings of one setting (the Go exporter's and the
    // exporter-toolkit's, or --collector.X and --no-collector.X); "" means `name`.
    std::string setting = {};
    bool hidden = false; // parsed, not listed in --help (its help is on another spelling)
    // Repeatable only: empties the list before a variable's list, or the flags', replaces it.
    std::function<void()> clear = {};
};

enum class outcome {
    run,     // start the exporter with `settings`
    help,    // print `text` to stdout, exit 0
    version, // print `text` to stdout, exit 0
    invalid, // print `text` (one line naming the option) to stderr, exit 2
};

struct parse_result {
    outcome action = outcome::run;
    options settings;
    std::string text;
};

// Looks up an environment variable; returns nullptr when unset (like std::getenv).
using environment = std::function<const char*(const char* name)>;

// `more`: the collectors' flags (collectors::registry::flags()); their values go where each
// flag's apply() puts them.
parse_result parse(std::span<const char* const> arguments, const environment& lookup,
                   std::span<const flag> more = {});

// Shared by the collectors' flags, so that every flag reads a value the same way.
std::optional<bool> parse_bool(std::string_view text);
std::optional<std::size_t> parse_count(std::string_view text);

// "host:port", "[v6]:port" or ":port". Exposed for tests and for error messages.
std::optional<listen_address> parse_listen_address(const std::string& text);

// Go's duration grammar as node_exporter's flags take it ("250ms", "1m30s", "1.5s", "1h"),
// rounded down to milliseconds; a bare number is seconds (as this exporter always took it).
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

} // namespace lae::config
