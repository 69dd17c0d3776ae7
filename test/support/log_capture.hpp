// What the exporter logs during a test: its sink writes to std::clog, which this points at a
// string for its lifetime and gives back after, also when a REQUIRE ends the test early.
// Declare it before what logs (an event loop, say), so that it outlives it.
#pragma once

#include "logging/logging.hpp"

#include <iostream>
#include <sstream>
#include <streambuf>
#include <string>

namespace lae::test {

class log_capture {
public:
    log_capture() : previous_(std::clog.rdbuf(lines_.rdbuf())) {
        logging::init(logging::level::info, logging::format::logfmt);
    }
    ~log_capture() { std::clog.rdbuf(previous_); }
    log_capture(const log_capture&) = delete;
    log_capture& operator=(const log_capture&) = delete;

    // Everything logged so far.
    std::string text() const { return lines_.str(); }

private:
    std::ostringstream lines_;
    std::streambuf* previous_;
};

} // namespace lae::test
