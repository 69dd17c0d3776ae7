#include "metrics/negotiation.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>

namespace lae::metrics {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
        text.remove_prefix(1);
    }
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

bool iequals(std::string_view a, std::string_view b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    });
}

// One element of a comma-separated header: "value;param=x;q=0.5".
struct element {
    std::string_view value;
    double quality = 1.0;
    std::optional<std::string_view> version;
};

element parse_element(std::string_view text) {
    element result;
    auto next = text.find(';');
    result.value = trim(text.substr(0, next));
    while (next != std::string_view::npos) {
        text.remove_prefix(next + 1);
        next = text.find(';');
        const auto parameter = trim(text.substr(0, next));
        const auto equals = parameter.find('=');
        if (equals == std::string_view::npos) {
            continue;
        }
        const auto name = trim(parameter.substr(0, equals));
        auto value = trim(parameter.substr(equals + 1));
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
            value = value.substr(1, value.size() - 2);
        }
        if (iequals(name, "q")) {
            double q = 0;
            const auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), q);
            // A malformed weight makes the element unacceptable rather than preferred.
            result.quality = (error == std::errc{} && end == value.data() + value.size())
                                 ? std::clamp(q, 0.0, 1.0)
                                 : 0.0;
        } else if (iequals(name, "version")) {
            result.version = value;
        }
    }
    return result;
}

template <typename Visit> void for_each_element(std::string_view header, Visit&& visit) {
    while (!header.empty()) {
        const auto comma = header.find(',');
        visit(parse_element(header.substr(0, comma)));
        if (comma == std::string_view::npos) {
            break;
        }
        header.remove_prefix(comma + 1);
    }
}

} // namespace

exposition_format choose_format(std::string_view accept) {
    double openmetrics = 0;
    double text = 0;
    for_each_element(accept, [&](const element& e) {
        if (iequals(e.value, "application/openmetrics-text")) {
            if (!e.version || *e.version == "1.0.0" || *e.version == "0.0.1") {
                openmetrics = std::max(openmetrics, e.quality);
            }
        } else if (iequals(e.value, "text/plain")) {
            if (!e.version || *e.version == "0.0.4") {
                text = std::max(text, e.quality);
            }
        } else if (iequals(e.value, "text/*") || e.value == "*/*") {
            text = std::max(text, e.quality);
        }
    });
    return openmetrics > 0 && openmetrics >= text ? exposition_format::openmetrics
                                                  : exposition_format::text;
}

bool accepts_gzip(std::string_view accept_encoding) {
    std::optional<double> gzip;
    std::optional<double> any;
    for_each_element(accept_encoding, [&](const element& e) {
        if (iequals(e.value, "gzip") || iequals(e.value, "x-gzip")) {
            gzip = std::max(gzip.value_or(0.0), e.quality);
        } else if (e.value == "*") {
            any = std::max(any.value_or(0.0), e.quality);
        }
    });
    return gzip ? *gzip > 0 : any.value_or(0.0) > 0;
}

} // namespace lae::metrics
