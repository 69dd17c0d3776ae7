// Handlers the rest of the exporter hands to the audit sockets run on the event loop, inside
// the sockets' own reading. One that throws is a bug in the exporter, not a kernel problem:
// it is reported as such, and the socket's state (its reading, the other handlers waiting
// with it) goes on as if the handler had returned.
#pragma once

#include "logging/logging.hpp"

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace lae::audit {

// Runs `call`; what it threw, if it did.
template <typename Call> std::optional<std::string> exception_from(Call&& call) {
    try {
        call();
        return std::nullopt;
    } catch (const std::exception& e) {
        return std::string(e.what());
    } catch (...) {
        return std::string("an exception of unknown type");
    }
}

// Logs that `who` threw `thrown`, and what that cost, as the bug in the exporter it is.
inline void report_bug(std::string_view who, std::string_view thrown,
                       std::string_view what_is_lost) {
    logging::error("bug in the exporter: " + std::string(who) + " threw (" + std::string(thrown) +
                   "); " + std::string(what_is_lost) + ". Please report it with this line");
}

} // namespace lae::audit
