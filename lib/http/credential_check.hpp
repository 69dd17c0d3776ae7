// What the router asks of whoever checks a request's credentials (web/basic_auth is the one):
// the HTTP layer defines the question, the web configuration answers it.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <functional>
#include <string_view>

namespace lae::http {

class credential_check {
public:
    enum class verdict { allowed, denied, throttled };
    struct decision {
        verdict outcome = verdict::denied;
        std::chrono::seconds retry_after{0}; // for throttled
    };
    using completion = std::function<void(decision)>;

    credential_check() = default;
    credential_check(const credential_check&) = delete;
    credential_check& operator=(const credential_check&) = delete;
    virtual ~credential_check() = default;

    // Decides whether `authorization` (the header's value) is acceptable for `client`. `done`
    // is called exactly once, now or later from the event loop, unless the check is abandoned
    // at shutdown.
    virtual void check(std::string_view authorization, const boost::asio::ip::address& client,
                       completion done) = 0;

    // The WWW-Authenticate value of a 401.
    static constexpr std::string_view challenge = "Basic realm=\"linux-audit-exporter\"";
};

} // namespace lae::http
