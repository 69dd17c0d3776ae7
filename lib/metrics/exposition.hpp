// Writers for the two formats Prometheus reads: text 0.0.4 and OpenMetrics 1.0.0.
#pragma once

#include "metrics/family.hpp"

#include <span>
#include <string>
#include <string_view>

namespace lae::metrics {

enum class exposition_format { text, openmetrics };

std::string_view content_type(exposition_format format);

// Appends the exposition of `families` to `out`.
void write(std::string& out, exposition_format format, std::span<const family> families);

// Numbers exactly as Prometheus parses them, whatever the process locale: integers in full,
// other values in the shortest form that reads back the same, and +Inf, -Inf, NaN.
void append_number(std::string& out, double value);

// The escapes of each place in the formats (exposed for one test per escape).
void append_escaped_help(std::string& out, exposition_format format, std::string_view help);
void append_escaped_label_value(std::string& out, std::string_view value);

} // namespace lae::metrics
