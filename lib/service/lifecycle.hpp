// How the exporter runs and ends. The order things end in is this type's job, not the
// caller's: run() returns only once every pending operation has completed while the servers,
// their sessions and the audit client were all alive, so no handler is left for a destructor
// to run or to destroy, whatever order the caller's objects then die in.
#pragma once

#include "audit/client.hpp"
#include "http/server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace lae::service {

class lifecycle {
public:
    // `grace` bounds how long responses in flight may take after SIGINT or SIGTERM; keep it
    // longer than the audit timeout, so that a scrape waiting for a slow kernel still gets its
    // answer (up 0 when the query times out).
    lifecycle(boost::asio::io_context& context, audit::client& kernel,
              std::chrono::milliseconds grace);
    lifecycle(const lifecycle&) = delete;
    lifecycle& operator=(const lifecycle&) = delete;

    void add(http::server& server);
    // Something else that keeps the loop busy (the record stream): stopped at the first
    // signal, so that run() can return.
    void add_stop(std::function<void()> stop);
    // Something to end when the grace period runs out (or at a second signal), before the
    // remaining connections are closed: requests waiting for a password check.
    void add_cut(std::function<void()> cut);

    // Runs the event loop until a signal (or shut_down()) has ended everything. An exception
    // escaping a handler (of any type) is logged as a bug in the exporter to report, its
    // connection ends with it, and the loop goes on.
    void run();

    // What SIGTERM does: stop accepting, close idle connections, let responses in flight
    // finish within the grace period, then cut what is left. A second call cuts at once.
    void shut_down(const std::string& reason);

private:
    void cut();
    void one_server_drained();

    boost::asio::io_context& context_;
    audit::client& kernel_;
    std::chrono::milliseconds grace_;
    std::vector<http::server*> servers_;
    std::vector<std::function<void()>> stops_;
    std::vector<std::function<void()>> cuts_;
    boost::asio::signal_set signals_;
    boost::asio::steady_timer grace_timer_;
    std::size_t servers_left_ = 0;
    bool stopping_ = false;
    bool cut_ = false;
};

} // namespace lae::service
