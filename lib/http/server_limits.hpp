// How many connections the server holds and how long each may take.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

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

// Descriptors kept free of client connections: stdin/out/err (3), the audit sockets (the
// queries' and the records' multicast one: 2), the event loop's own (epoll, its interrupter and
// timer, the signal pipe: about 5), listeners (a few), the web configuration and its TLS files
// while a reload reads them (4), the connection just accepted before the registry makes room
// for it (1), and some to spare for /proc reads and a library that opens a file.
inline constexpr std::size_t descriptor_reserve = 32;

// Lowers `limits.max_connections` below `open_files` (the soft RLIMIT_NOFILE) less the
// reserve: past the descriptor limit accept() fails (EMFILE) and no scrape gets in, while
// below it a full house evicts a connection per the registry's policy. Returns the line to log
// when it lowered it, else an empty string.
std::string fit_open_files(server_limits& limits, std::uint64_t open_files);

} // namespace lae::http
