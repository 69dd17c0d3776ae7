#include "service/lifecycle.hpp"

#include "core/guarded_call.hpp"
#include "logging/logging.hpp"

#include <csignal>
#include <exception>
#include <utility>

namespace lae::service {

namespace asio = boost::asio;
using boost::system::error_code;

lifecycle::lifecycle(asio::io_context& context, audit::client& kernel,
                     std::chrono::milliseconds grace)
    : context_(context), kernel_(kernel), grace_(grace), signals_(context, SIGINT, SIGTERM),
      grace_timer_(context) {}

void lifecycle::add(http::server& server) {
    servers_.push_back(&server);
}

void lifecycle::add_stop(std::function<void()> stop) {
    stops_.push_back(std::move(stop));
}

void lifecycle::add_cut(std::function<void()> cut) {
    cuts_.push_back(std::move(cut));
}

void lifecycle::run() {
    auto on_signal = [this](const error_code& error, int signal_number) {
        if (!error) {
            shut_down(signal_number == SIGINT ? "SIGINT" : "SIGTERM");
        }
    };
    signals_.async_wait(on_signal);
    // Never context.stop(): the loop ends when nothing is pending any more, which is what
    // makes tearing the objects down afterwards safe.
    for (;;) {
        // The handler that threw is gone, and with it the last hold on its session: that
        // connection closes. Everything else goes on (run() may be called again as is).
        // Nothing the kernel or a client sends makes a handler throw: this is a bug.
        const auto thrown = exception_from([this] { context_.run(); });
        if (!thrown) {
            return;
        }
        logging::error(bug_report("an event handler", *thrown,
                                  "the work it was doing is dropped (a connection it served is "
                                  "closed), the exporter goes on"));
    }
}

void lifecycle::shut_down(const std::string& reason) {
    if (stopping_) {
        cut(); // a second signal: do not wait any longer
        return;
    }
    stopping_ = true;
    logging::info("received " + reason + ", finishing responses in flight and exiting");
    signals_.async_wait([this](const error_code& error, int) {
        if (!error) {
            cut();
        }
    });
    grace_timer_.expires_after(grace_);
    grace_timer_.async_wait([this](const error_code& error) {
        if (!error) {
            cut();
        }
    });
    for (const auto& stop : stops_) {
        stop();
    }
    servers_left_ = servers_.size();
    if (servers_.empty()) {
        asio::post(context_, [this] { one_server_drained(); });
    }
    for (auto* server : servers_) {
        server->stop([this] { one_server_drained(); });
    }
}

void lifecycle::cut() {
    if (cut_) {
        return;
    }
    cut_ = true;
    std::size_t open = 0;
    for (const auto* server : servers_) {
        open += server->connections();
    }
    logging::warn(std::to_string(open) + " connection(s) still open after the grace period of " +
                  std::to_string(grace_.count()) + " ms (or a second signal): closing them");
    // Scrapes still waiting for the kernel are answered now (up 0), then every connection is
    // closed; their sessions end as their operations complete with errors.
    kernel_.close();
    for (const auto& end : cuts_) {
        end();
    }
    for (auto* server : servers_) {
        server->abort();
    }
}

void lifecycle::one_server_drained() {
    if (servers_left_ > 0 && --servers_left_ > 0) {
        return;
    }
    // Nothing is left to wait for: with these gone, the loop has no work and run() returns.
    kernel_.close();
    grace_timer_.cancel();
    signals_.cancel();
}

} // namespace lae::service
