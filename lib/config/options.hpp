// The exporter's settings: command-line flags, each with an environment variable behind it,
// parsed and validated into one struct. A flag beats its variable.
#pragma once

#include "logging/logging.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>

namespace lae::config {

struct listen_address {
    std::string host; // "" means every IPv4 address, as Go's ":9090"
    std::uint16_t port = 0;
    friend bool operator==(const listen_address&, const listen_address&) = default;
};

struct options {
    listen_address listen{"0.0.0.0", 9090};
    std::string metrics_path = "/metrics";
    std::string health_path = "/healthz";
    logging::level log_level = logging::level::info;
    logging::format log_format = logging::format::logfmt;
    std::chrono::milliseconds audit_timeout{1000};
    std::optional<unsigned> kernel_hz; // empty: read from the kernel's config
    std::size_t max_connections = 512;
    std::string web_config_file;        // empty: plain HTTP, no authentication
    bool collector_records = false;     // --collector.records: count the record stream
    std::size_t records_max_keys = 512; // distinct rule keys before key="(other)"
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

parse_result parse(std::span<const char* const> arguments, const environment& lookup);

// "host:port", "[v6]:port" or ":port". Exposed for tests and for error messages.
std::optional<listen_address> parse_listen_address(const std::string& text);

// "250ms", "2s", "1m"; a bare number is seconds, as in Prometheus's configuration.
std::optional<std::chrono::milliseconds> parse_duration(const std::string& text);

} // namespace lae::config
