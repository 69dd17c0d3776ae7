// A handler the exporter runs on its event loop (an audit query's waiter, a record handler, any
// handler of the loop itself) never throws for anything the kernel or a client sends: one that
// throws is a bug in the exporter, not a kernel or network problem. It is reported as such,
// and whoever ran it goes on as if it had returned.
#pragma once

#include <cstdint>
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

// Says when to log a repeated bug: at its 1st, 2nd, 4th, 8th... occurrence, so a handler that
// throws every time cannot flood the log, and each line still tells how often it happened.
class doubling_throttle {
public:
    // Counts one occurrence; its count when this one is to be logged.
    std::optional<std::uint64_t> admit() noexcept {
        const auto count = ++count_;
        if ((count & (count - 1)) != 0) {
            return std::nullopt;
        }
        return count;
    }

private:
    std::uint64_t count_ = 0;
};

} // namespace lae
