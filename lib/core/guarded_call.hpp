// A handler the exporter runs on its event loop (an audit query's waiter, a record handler, any
// handler of the loop itself) never throws for anything the kernel or a client sends: one that
// throws is a bug in the exporter, not a kernel or network problem. It is reported as such,
// and whoever ran it goes on as if it had returned.
#pragma once

#include <exception>
#include <optional>
#include <string>
#include <string_view>

namespace lae {

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

// The line that reports that `who` threw `thrown`, and what that cost, as the bug in the
// exporter it is (the caller logs it as an error: core does not log).
inline std::string bug_report(std::string_view who, std::string_view thrown,
                              std::string_view what_is_lost) {
    return "bug in the exporter: " + std::string(who) + " threw (" + std::string(thrown) + "); " +
           std::string(what_is_lost) + ". Please report it with this line";
}

} // namespace lae
