#include "audit/client.hpp"

#include "audit/advice.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cstring>
#include <fcntl.h>
#include <linux/netlink.h>

namespace lae::audit {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

constexpr std::size_t receive_buffer_size = 64 * 1024;

error_code errno_error(int value) {
    return {value, boost::system::system_category()};
}

} // namespace

static_assert(client::default_protocol == NETLINK_AUDIT);

client::client(asio::any_io_executor executor, std::chrono::milliseconds timeout,
               int netlink_protocol)
    : executor_(executor), timeout_(timeout), netlink_protocol_(netlink_protocol),
      socket_(executor), status_flight_(executor, audit_get, "audit status"),
      rules_flight_(executor, audit_list_rules, "audit rules"),
      receive_buffer_(receive_buffer_size) {}

client::~client() {
    // No handler runs from a destructor: whoever waits is going away with the event loop.
    status_flight_.waiters.clear();
    rules_flight_.waiters.clear();
    error_code ignored;
    socket_.close(ignored);
}

error_code client::open() {
    if (socket_.is_open()) {
        return {};
    }
    error_code error;
    socket_.open(asio::generic::raw_protocol(AF_NETLINK, netlink_protocol_), error);
    if (error) {
        return {error.value(), socket_category()}; // the errno, marked as socket()'s own
    }
    // Not inherited by anything we might exec; the descriptor grants audit control.
    ::fcntl(socket_.native_handle(), F_SETFD, FD_CLOEXEC);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK; // nl_pid 0: the kernel assigns our port id
    socket_.bind(asio::generic::raw_protocol::endpoint(&local, sizeof local, netlink_protocol_),
                 error);
    if (!error) {
        socket_.non_blocking(true, error);
    }
    if (error) {
        error_code ignored;
        socket_.close(ignored);
        return error;
    }
    ++socket_generation_;
    receiving_ = false;
    return {};
}

void client::close() {
    error_code ignored;
    socket_.close(ignored);
    receiving_ = false;
    fail_all(asio::error::operation_aborted);
}

void client::async_get_status(status_handler handler) {
    join(status_flight_, std::move(handler));
}

void client::async_count_rules(rules_handler handler) {
    join(rules_flight_, std::move(handler));
}

template <typename Result, typename Handler>
void client::join(flight<Result>& f, Handler&& handler) {
    f.waiters.push_back(std::forward<Handler>(handler));
    if (!f.sequence) {
        start(f);
    }
}

template <typename Result> void client::start(flight<Result>& f) {
    ++f.attempt;
    if (const auto error = open()) {
        fail_later(f, error);
        return;
    }
    // Never reused, not even on a new socket, so a stale reply or timer cannot match.
    if (next_sequence_ == 0) {
        ++next_sequence_; // 0 marks a flight that is failing (fail_later)
    }
    const std::uint32_t sequence = next_sequence_++;
    std::array<std::byte, request_size> request{};
    const auto size = encode_request(f.request_type, sequence, request);
    error_code error;
    // The kernel handles a netlink request inside sendmsg, so this returns at once; the
    // answer arrives later on the receive side, with errors as NLMSG_ERROR replies.
    socket_.send(asio::buffer(request.data(), size), 0, error);
    if (error) {
        error_code ignored;
        socket_.close(ignored); // a fresh socket next time
        fail_later(f, error);
        return;
    }
    ++requests_sent_;
    f.sequence = sequence;
    if (!receiving_) {
        receive();
    }
    f.partial = Result{};
    f.timer.expires_after(timeout_);
    f.timer.async_wait([this, &f, sequence](const error_code& wait_error) {
        if (wait_error == asio::error::operation_aborted || f.sequence != sequence) {
            return;
        }
        finish(f, errno_error(ETIMEDOUT), Result{});
    });
}

template <typename Result> void client::fail_later(flight<Result>& f, error_code error) {
    // Complete from the event loop, never from inside the caller's own call.
    f.sequence = 0; // no reply can match: sequence 0 is never sent
    asio::post(executor_, [this, &f, error, attempt = f.attempt] {
        // Unless close() has failed this flight meanwhile and a new one has started.
        if (f.attempt == attempt && f.sequence == 0U) {
            finish(f, error, Result{});
        }
    });
}

template <typename Result>
void client::finish(flight<Result>& f, const error_code& error, const Result& result) {
    f.sequence.reset();
    f.timer.cancel();
    if (error != f.last_error && error != asio::error::operation_aborted) {
        if (error) {
            logging::warn(std::string(f.query_name) + " query failing: " + explain(error));
        } else {
            logging::info(std::string(f.query_name) + " query succeeds again");
        }
        f.last_error = error;
    }
    if (receiving_ && !in_flight()) {
        error_code ignored;
        socket_.cancel(ignored); // a timeout ended the last query: stop waiting for its reply
    }
    // Handlers may start the next query of this kind: hand them a flight that is idle.
    auto waiters = std::move(f.waiters);
    f.waiters.clear();
    for (auto& waiter : waiters) {
        waiter(error, result);
    }
}

void client::fail_all(const error_code& error) {
    if (status_flight_.sequence) {
        finish(status_flight_, error, status{});
    }
    if (rules_flight_.sequence) {
        finish(rules_flight_, error, std::uint32_t{});
    }
}

void client::receive() {
    receiving_ = true;
    socket_.async_receive_from(
        asio::buffer(receive_buffer_), sender_,
        [this, generation = socket_generation_](const error_code& error, std::size_t size) {
            // A receive from a socket since closed and replaced is over.
            if (generation == socket_generation_) {
                on_receive(error, size);
            }
        });
}

void client::on_receive(const error_code& error, std::size_t size) {
    receiving_ = false;
    if (error && error != asio::error::operation_aborted) {
        // ENOBUFS and the like: replies were lost; start over on a fresh socket.
        error_code ignored;
        socket_.close(ignored);
        fail_all(error);
        return;
    }
    if (!error) {
        sockaddr_nl from{};
        std::memcpy(&from, sender_.data(), std::min(sizeof from, sender_.size()));
        const auto parsed = parse_datagram(std::span(receive_buffer_.data(), size), from.nl_pid);
        if (parsed.foreign) {
            logging::debug("ignored a datagram from port id " + std::to_string(from.nl_pid) +
                           " on the audit socket: not from the kernel");
        }
        for (const auto& reply : parsed.messages) {
            dispatch(reply);
        }
    }
    // Listen on only while a query is out: an idle client holds no pending operation, and a
    // late reply waits in the socket until the next query drops it as stale. (After a cancel,
    // a query may have started meanwhile.)
    if (socket_.is_open() && !receiving_ && in_flight()) {
        receive();
    }
}

bool client::in_flight() const {
    return status_flight_.sequence.has_value() || rules_flight_.sequence.has_value();
}

void client::dispatch(const message& reply) {
    if (status_flight_.sequence == reply.sequence) {
        switch (reply.kind) {
        case message_kind::status:
            finish(status_flight_, {}, reply.audit_status);
            break;
        case message_kind::error:
            finish(status_flight_, errno_error(reply.error_number), status{});
            break;
        case message_kind::malformed:
            finish(status_flight_, errno_error(EBADMSG), status{});
            break;
        default:
            break; // the ack, in whichever order it comes
        }
    } else if (rules_flight_.sequence == reply.sequence) {
        switch (reply.kind) {
        case message_kind::rule:
            ++rules_flight_.partial;
            break;
        case message_kind::done:
            finish(rules_flight_, {}, rules_flight_.partial);
            break;
        case message_kind::error:
            finish(rules_flight_, errno_error(reply.error_number), std::uint32_t{});
            break;
        case message_kind::malformed:
            finish(rules_flight_, errno_error(EBADMSG), std::uint32_t{});
            break;
        default:
            break;
        }
    }
    // Anything else answers a query that already timed out: dropped.
}

} // namespace lae::audit
