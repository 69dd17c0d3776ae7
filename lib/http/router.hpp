// Maps a request's path to its handler: 404 for unknown paths, 405 with Allow for methods
// other than GET and HEAD. Knows nothing of sockets.
#pragma once

#include "http/credential_check.hpp"
#include "http/message.hpp"

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lae::http {

// Stands before every route: may answer instead of it (429), names the credentials every
// route needs (they may change with a reload) and adds headers to every answer, whoever
// gives it. The web configuration is one.
class request_guard {
public:
    request_guard() = default;
    request_guard(const request_guard&) = delete;
    request_guard& operator=(const request_guard&) = delete;
    virtual ~request_guard() = default;
    virtual std::optional<response> admit(const request& incoming) = 0;
    // nullptr: no authentication.
    virtual std::shared_ptr<credential_check> credentials() const = 0;
    virtual void decorate(response& outgoing) const = 0;
};

class router {
public:
    void add(std::string path, handler route_handler);
    // Every route then needs these credentials (401 with a challenge otherwise, 429 with
    // Retry-After for a client that failed too often).
    void require(std::shared_ptr<credential_check> credentials);
    // `client` is the peer's address (for the failure budget of basic authentication).
    // `incoming` must stay valid until `respond` is called: the credentials check, and so the
    // handler's call, may come later from the event loop.
    void route(const request& incoming, const responder& respond,
               const boost::asio::ip::address& client = {}) const;

    void guard(std::shared_ptr<request_guard> guard);
    // Adds the guard's headers to an answer the server gives without asking the router (a
    // request it could not parse: 400, 413, 431).
    void decorate(response& outgoing) const;

private:
    void authenticate(const request& incoming, const responder& respond,
                      const boost::asio::ip::address& client,
                      const std::shared_ptr<credential_check>& credentials) const;
    void dispatch(const request& incoming, const responder& respond) const;

    std::shared_ptr<request_guard> guard_;
    std::vector<std::pair<std::string, handler>> routes_;
    std::shared_ptr<credential_check> credentials_;
};

} // namespace lae::http
