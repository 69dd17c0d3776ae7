// Maps a request's path to its handler: 404 for unknown paths, 405 with Allow for methods
// other than GET and HEAD. Knows nothing of sockets.
#pragma once

#include "http/message.hpp"

#include <string>
#include <utility>
#include <vector>

namespace lae::http {

class router {
public:
    void add(std::string path, handler route_handler);
    void route(const request& incoming, const responder& respond) const;

private:
    std::vector<std::pair<std::string, handler>> routes_;
};

} // namespace lae::http
