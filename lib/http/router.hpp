// Maps a request's path to its handler: 404 for unknown paths, 405 with Allow for methods
// other than GET and HEAD. Knows nothing of sockets.
#pragma once

#include "http/basic_auth.hpp"
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
    virtual std::shared_ptr<basic_auth> credentials() const = 0;
    virtual void decorate(response& outgoing) const = 0;
};

class router {
public:
    void add(std::string path, handler route_handler);
    // Every route then needs these credentials (401 with a challenge otherwise).
    void require(std::shared_ptr<basic_auth> credentials);
    void guard(std::shared_ptr<request_guard> guard);
    void route(const request& incoming, const responder& respond) const;

private:
    void route_guarded(const request& incoming, const responder& respond,
                       const std::shared_ptr<basic_auth>& credentials) const;

    std::shared_ptr<request_guard> guard_;
    std::vector<std::pair<std::string, handler>> routes_;
    std::shared_ptr<basic_auth> credentials_;
};

} // namespace lae::http
