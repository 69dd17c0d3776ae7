#include "text/duration.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <map>

namespace lae::text {

std::optional<std::chrono::nanoseconds> parse_go_duration(const std::string& text) {
    // A bare number is nanoseconds (YAML integers decode so into Go's time.Duration);
    // anything else is number+unit pairs ("1m30s").
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
        std::int64_t count = 0;
        if (std::from_chars(text.data(), text.data() + text.size(), count).ec != std::errc{}) {
            return std::nullopt;
        }
        return std::chrono::nanoseconds(count);
    }
    static const std::map<std::string, double> units = {
        {"ns", 1.0}, {"us", 1e3}, {"\u00b5s", 1e3}, {"\u03bcs", 1e3},
        {"ms", 1e6}, {"s", 1e9},  {"m", 60e9},      {"h", 3600e9},
    };
    std::size_t at = 0;
    double total = 0;
    if (text.empty()) {
        return std::nullopt;
    }
    while (at < text.size()) {
        const auto number_end = text.find_first_not_of("0123456789.", at);
        if (number_end == at || number_end == std::string::npos) {
            return std::nullopt;
        }
        const auto number = text.substr(at, number_end - at);
        if (number == "." || std::count(number.begin(), number.end(), '.') > 1) {
            return std::nullopt;
        }
        const auto unit_end = text.find_first_of("0123456789.", number_end);
        const auto unit = text.substr(
            number_end, unit_end == std::string::npos ? std::string::npos : unit_end - number_end);
        const auto scale = units.find(unit);
        if (scale == units.end()) {
            return std::nullopt;
        }
        double value = 0;
        if (std::from_chars(number.data(), number.data() + number.size(), value).ec !=
            std::errc{}) {
            return std::nullopt;
        }
        total += value * scale->second;
        at = unit_end == std::string::npos ? text.size() : unit_end;
    }
    if (!std::isfinite(total) || total > 9.2e18) {
        return std::nullopt;
    }
    return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

} // namespace lae::text
