// Go's duration grammar, as the Prometheus ecosystem writes durations in flags and files.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace lae::text {

// Go's time.ParseDuration syntax ("1s", "1m30s", "250ms", "1.5h"), plus a bare number as
// nanoseconds (how YAML integers decode into Go's time.Duration); nullopt when malformed or
// negative.
std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& text);

} // namespace lae::text
