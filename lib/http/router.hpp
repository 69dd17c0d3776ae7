// Maps a request's path to its handler: 404 for unknown paths, 405 with Allow for methods
// other than GET and HEAD. Knows nothing of sockets.
#pragma once

#include "http/basic_auth.hpp"
#include "http/message.hpp"

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lae::http {

class router {
public:
    void add(std::string path, handler route_handler);
    // Every route then needs these credentials (401 with a challenge otherwise, 429 with
    // Retry-After for a client that failed too often).
    void require(std::shared_ptr<basic_auth> credentials);
    // `client` is the peer's address (for the failure budget of basic authentication).
    // `incoming` must stay valid until `respond` is called: the credentials check, and so the
    // handler's call, may come later from the event loop.
    void route(const request& incoming, const responder& respond,
               const boost::asio::ip::address& client = {}) const;

private:
    void dispatch(const request& incoming, const responder& respond) const;

    std::vector<std::pair<std::string, handler>> routes_;
    std::shared_ptr<basic_auth> credentials_;
};

} // namespace lae::http
