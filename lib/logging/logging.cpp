#include "logging/logging.hpp"

#include "text/json.hpp"

#include <array>
#include <boost/core/null_deleter.hpp>
#include <boost/log/core.hpp>
#include <boost/log/expressions.hpp>
#include <boost/log/sinks/sync_frontend.hpp>
#include <boost/log/sinks/text_ostream_backend.hpp>
#include <boost/log/sources/record_ostream.hpp>
#include <boost/log/sources/severity_logger.hpp>
#include <boost/make_shared.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iostream>

namespace lae::logging {
namespace {

namespace bl = boost::log;

constexpr std::array level_names = {"debug", "info", "warn", "error"};

std::string_view name_of(level severity) {
    return level_names.at(static_cast<std::size_t>(severity));
}

// RFC 3339 in UTC with milliseconds, like the Go exporters' logs.
std::string utc_timestamp() {
    const auto now = std::chrono::system_clock::now();
    const auto seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::array<char, 32> text{};
    const auto length = std::strftime(text.data(), text.size(), "%Y-%m-%dT%H:%M:%S", &utc);
    std::array<char, 8> fraction{};
    std::snprintf(fraction.data(), fraction.size(), ".%03dZ", static_cast<int>(millis));
    return std::string(text.data(), length) + fraction.data();
}

BOOST_LOG_ATTRIBUTE_KEYWORD(severity_attribute, "Severity", level)

bl::sources::severity_logger<level>& logger() {
    static bl::sources::severity_logger<level> instance;
    return instance;
}

format active_format = format::logfmt;
level active_minimum = level::info;

} // namespace

std::optional<level> parse_level(std::string_view text) {
    for (std::size_t i = 0; i < level_names.size(); ++i) {
        if (text == level_names[i]) {
            return static_cast<level>(i);
        }
    }
    if (text == "warning") {
        return level::warn;
    }
    return std::nullopt;
}

std::optional<format> parse_format(std::string_view text) {
    if (text == "logfmt") {
        return format::logfmt;
    }
    if (text == "json") {
        return format::json;
    }
    return std::nullopt;
}

std::string format_record(format style, std::string_view timestamp, level severity,
                          std::string_view message) {
    std::string line;
    line.reserve(message.size() + 64);
    if (style == format::json) {
        line += "{\"ts\":";
        text::append_json_string(line, timestamp);
        line += ",\"level\":";
        text::append_json_string(line, name_of(severity));
        line += ",\"msg\":";
        text::append_json_string(line, message);
        line += '}';
    } else {
        line += "ts=";
        line += timestamp;
        line += " level=";
        line += name_of(severity);
        line += " msg=";
        text::append_json_string(line, message);
    }
    return line;
}

void init(level minimum, format style) {
    active_format = style;
    active_minimum = minimum;
    using backend_type = bl::sinks::text_ostream_backend;
    auto backend = boost::make_shared<backend_type>();
    backend->add_stream(boost::shared_ptr<std::ostream>(&std::clog, boost::null_deleter()));
    backend->auto_flush(true);
    auto sink = boost::make_shared<bl::sinks::synchronous_sink<backend_type>>(backend);
    sink->set_formatter([](const bl::record_view& record, bl::formatting_ostream& stream) {
        const auto severity = record[severity_attribute].get();
        const auto message = record[bl::expressions::smessage].get();
        stream << format_record(active_format, utc_timestamp(), severity, message);
    });
    auto core = bl::core::get();
    core->remove_all_sinks();
    core->add_sink(sink);
    core->set_filter(severity_attribute >= minimum);
}

bool enabled(level severity) {
    return severity >= active_minimum;
}

void write(level severity, std::string_view message) {
    BOOST_LOG_SEV(logger(), severity) << message;
}

} // namespace lae::logging
