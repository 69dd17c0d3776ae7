// One place that owns how the exporter talks to operators: Boost.Log to stderr, one line a
// record, logfmt (the Prometheus ecosystem's default) or JSON.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace lae::logging {

enum class level { debug, info, warn, error };
enum class format { logfmt, json };

std::optional<level> parse_level(std::string_view text);
std::optional<format> parse_format(std::string_view text);

// Sets up the stderr sink and the minimum level; call once, early in main.
void init(level minimum, format style);

void write(level severity, std::string_view message);

// Whether a record of this level would be written; lets callers skip building the text.
bool enabled(level severity);
inline void debug(std::string_view message) {
    write(level::debug, message);
}
inline void info(std::string_view message) {
    write(level::info, message);
}
inline void warn(std::string_view message) {
    write(level::warn, message);
}
inline void error(std::string_view message) {
    write(level::error, message);
}

// Formats one record; exposed so the formats can be tested without a sink.
std::string format_record(format style, std::string_view timestamp, level severity,
                          std::string_view message);

} // namespace lae::logging
