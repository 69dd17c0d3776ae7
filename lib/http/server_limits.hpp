// How many connections the server holds and how long each may take.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>

namespace lae::http {

struct server_limits {
    std::size_t max_connections = 512;
    // Connections one client address may hold; 0: three quarters of max_connections, so that
    // one address (a client that opens connections and never reads) cannot take them all.
    std::size_t max_connections_per_client = 0;
    // A full house may cut a connection whose answer has waited this long for the client to
    // read it (as it sheds idle ones), rather than refuse a new scrape.
    std::chrono::milliseconds stalled_write{1000};
    std::chrono::milliseconds read_timeout{10000}; // to receive a whole request
    std::chrono::milliseconds idle_timeout{60000}; // between requests on a kept-alive connection
    std::chrono::milliseconds write_timeout{10000};
    std::uint32_t header_limit = 8 * 1024;
    std::uint64_t body_limit = 16 * 1024; // a scrape has no body; other requests get 405
};

} // namespace lae::http
