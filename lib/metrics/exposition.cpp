#include "metrics/exposition.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>

namespace lae::metrics {
namespace {

constexpr std::string_view counter_suffix = "_total";

void append_sample_name(std::string& out, const family& f) {
    out += f.name;
    if (f.type == metric_type::counter) {
        out += counter_suffix;
    }
}

void append_metadata(std::string& out, exposition_format format, const family& f) {
    // Text 0.0.4 names a counter family like its samples; OpenMetrics without "_total".
    const bool suffix = format == exposition_format::text && f.type == metric_type::counter;
    out += "# HELP ";
    out += f.name;
    if (suffix) {
        out += counter_suffix;
    }
    out += ' ';
    append_escaped_help(out, format, f.help);
    out += "\n# TYPE ";
    out += f.name;
    if (suffix) {
        out += counter_suffix;
    }
    out += f.type == metric_type::counter ? " counter\n" : " gauge\n";
}

void append_sample(std::string& out, const family& f, const sample& s) {
    append_sample_name(out, f);
    if (!s.labels.empty()) {
        out += '{';
        bool first = true;
        for (const auto& l : s.labels) {
            if (!first) {
                out += ',';
            }
            first = false;
            out += l.name;
            out += "=\"";
            append_escaped_label_value(out, l.value);
            out += '"';
        }
        out += '}';
    }
    out += ' ';
    append_number(out, s.value);
    out += '\n';
}

} // namespace

std::string_view content_type(exposition_format format) {
    return format == exposition_format::openmetrics
               ? "application/openmetrics-text; version=1.0.0; charset=utf-8"
               : "text/plain; version=0.0.4; charset=utf-8";
}

void append_number(std::string& out, double value) {
    if (std::isnan(value)) {
        out += "NaN";
        return;
    }
    if (std::isinf(value)) {
        out += value > 0 ? "+Inf" : "-Inf";
        return;
    }
    std::array<char, 32> buffer{};
    char* end = nullptr;
    // Every integer below 2^53 is exact in a double: print it as an integer, never 1e+06.
    if (std::trunc(value) == value && std::fabs(value) < 9007199254740992.0) {
        end = std::to_chars(buffer.data(), buffer.data() + buffer.size(),
                            static_cast<std::int64_t>(value))
                  .ptr;
    } else {
        // std::to_chars ignores the locale and gives the shortest round-trip form.
        end = std::to_chars(buffer.data(), buffer.data() + buffer.size(), value).ptr;
    }
    out.append(buffer.data(), end);
}

namespace {

// Appends `text`, escaping the characters in `special`; copies the runs between them whole.
void append_escaped(std::string& out, std::string_view text, std::string_view special) {
    std::size_t from = 0;
    for (auto at = text.find_first_of(special); at != std::string_view::npos;
         at = text.find_first_of(special, from)) {
        out.append(text, from, at - from);
        out += '\\';
        out += text[at] == '\n' ? 'n' : text[at];
        from = at + 1;
    }
    out.append(text, from);
}

} // namespace

void append_escaped_help(std::string& out, exposition_format format, std::string_view help) {
    // OpenMetrics escapes quotes in HELP too; text 0.0.4 does not.
    append_escaped(out, help, format == exposition_format::openmetrics ? "\\\n\"" : "\\\n");
}

void append_escaped_label_value(std::string& out, std::string_view value) {
    append_escaped(out, value, "\\\n\"");
}

void write(std::string& out, exposition_format format, std::span<const family> families) {
    for (const auto& f : families) {
        if (f.samples.empty()) {
            continue; // a family with nothing to say is left out, metadata included
        }
        append_metadata(out, format, f);
        for (const auto& s : f.samples) {
            append_sample(out, f, s);
        }
    }
    if (format == exposition_format::openmetrics) {
        out += "# EOF\n";
    }
}

} // namespace lae::metrics
