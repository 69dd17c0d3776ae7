// The one error shape at the library's boundaries: a value, or a failure that says what went
// wrong in words an operator can act on, with the error code behind it when there is one.
// Messages are made where the failure is understood (the audit client knows that EPERM means
// a missing capability; the web configuration knows the line of a bad key), and travel as
// they are up to the log.
#pragma once

#include <boost/assert/source_location.hpp>
#include <boost/system/error_code.hpp>
#include <boost/system/result.hpp>
#include <stdexcept>
#include <string>
#include <utility>

namespace lae {

struct failure {
    std::string what;               // a sentence for people: what is wrong, what to do
    boost::system::error_code code; // the errno or library error behind it; may be empty
};

// result<T>::value() on a failure throws this (callers test the result first; value() on a
// failure is a bug, and the exception carries the sentence).
class failure_error : public std::runtime_error {
public:
    explicit failure_error(const failure& f) : std::runtime_error(f.what), code(f.code) {}
    boost::system::error_code code;
};

[[noreturn]] inline void throw_exception_from_error(const failure& f,
                                                    const boost::source_location& /*where*/) {
    throw failure_error(f);
}

template <typename T> using result = boost::system::result<T, failure>;

// `return fail("...");` from a function returning result<T>.
inline failure fail(std::string what, boost::system::error_code code = {}) {
    return failure{std::move(what), code};
}

} // namespace lae
