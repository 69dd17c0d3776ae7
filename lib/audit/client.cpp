#include "audit/client.hpp"

#include "audit/advice.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <fcntl.h>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <type_traits>

namespace lae::audit {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

error_code errno_error(int value) {
    return {value, boost::system::system_category()};
}

} // namespace

static_assert(client::default_protocol == NETLINK_AUDIT);

client::client(asio::any_io_executor executor, std::chrono::milliseconds timeout,
               int netlink_protocol, peer accept, std::size_t slot_bytes)
    : executor_(executor), timeout_(timeout), netlink_protocol_(netlink_protocol), accept_(accept),
      socket_(executor), status_flight_(executor, audit_get, "audit status"),
      rules_flight_(executor, audit_list_rules, "audit rules"),
      features_flight_(executor, audit_get_feature, "audit features"),
      // At least a header: a cut reply still names its query.
      slot_bytes_(std::max(slot_bytes, sizeof(nlmsghdr))),
      receive_slots_(std::make_unique_for_overwrite<std::byte[]>(batch_slots * slot_bytes_)) {}

client::~client() {
    // No handler runs from a destructor: whoever waits is going away with the event loop.
    status_flight_.waiters.clear();
    rules_flight_.waiters.clear();
    features_flight_.waiters.clear();
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
    // Connected to the kernel (port id 0): the kernel assigns our port id and from then on
    // refuses datagrams from any other sender (the sender gets ECONNREFUSED). (A datagram
    // queued before the connect still reaches us: netlink_connect binds our port id, usually
    // our pid, before it marks the socket connected; hence sent_by_kernel on every read.)
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const asio::generic::raw_protocol::endpoint kernel_endpoint(&kernel, sizeof kernel,
                                                                netlink_protocol_);
    if (accept_ == peer::kernel_only) {
        socket_.connect(kernel_endpoint, error);
    } else {
        socket_.bind(kernel_endpoint, error); // nl_pid 0: the kernel assigns our port id
    }
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

std::uint32_t client::port_id() const {
    error_code error;
    const auto local = socket_.local_endpoint(error);
    sockaddr_nl address{};
    if (error || local.size() < sizeof address) {
        return 0;
    }
    std::memcpy(&address, local.data(), sizeof address);
    return address.nl_pid;
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

void client::async_list_rules(rules_handler handler) {
    join(rules_flight_, std::move(handler));
}

void client::async_get_features(features_handler handler) {
    join(features_flight_, std::move(handler));
}

template <typename Result> Result client::fresh() const {
    if constexpr (std::is_same_v<Result, rule_tally>) {
        return rule_tally(rule_key_limit_);
    } else {
        return Result{};
    }
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
    f.partial = fresh<Result>();
    f.timer.expires_after(timeout_);
    f.timer.async_wait([this, &f, sequence](const error_code& wait_error) {
        if (wait_error == asio::error::operation_aborted || f.sequence != sequence) {
            return;
        }
        finish(f, errno_error(ETIMEDOUT), fresh<Result>());
    });
}

template <typename Result> void client::fail_later(flight<Result>& f, error_code error) {
    // Complete from the event loop, never from inside the caller's own call.
    f.sequence = 0; // no reply can match: sequence 0 is never sent
    asio::post(executor_, [this, &f, error, attempt = f.attempt] {
        // Unless close() has failed this flight meanwhile and a new one has started.
        if (f.attempt == attempt && f.sequence == 0U) {
            finish(f, error, fresh<Result>());
        }
    });
}

template <typename Result>
void client::finish(flight<Result>& f, const error_code& error, Result result) {
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
        finish(rules_flight_, error, fresh<rule_tally>());
    }
    if (features_flight_.sequence) {
        finish(features_flight_, error, features{});
    }
}

void client::receive() {
    receiving_ = true;
    // A receive rather than a bare wait: Asio tries it at once and, only when nothing is
    // ready, waits on the descriptor it registered once (no epoll_ctl per wake-up). When it
    // reads at once, the completion is still posted: other handlers run first.
    // MSG_TRUNC: the size is the datagram's whole length, so a cut one shows.
    socket_.async_receive_from(
        asio::buffer(receive_slots_.get(), slot_bytes_), sender_, MSG_TRUNC,
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
    error_code read_error;
    if (!error) {
        // Then what else is ready, in batches, in this one turn: a rule list is one datagram
        // per rule, and an event-loop round trip per rule would cost more than the kernel's
        // own work. receiving_ stays set meanwhile, so that a query a handler starts does not
        // receive into the slots this turn is still reading (Asio may read at once, inside
        // async_receive).
        const auto generation = socket_generation_;
        receiving_ = true;
        if (sent_by_kernel(sender_.data(), sender_.size())) {
            dispatch_datagram({receive_slots_.get(), std::min(size, slot_bytes_)}, size,
                              generation);
        }
        std::size_t read = 1;
        read_error = drain(datagrams_per_turn - read, generation, read);
        longest_turn_ = std::max(longest_turn_, read);
        if (generation != socket_generation_) {
            return; // reopened by a handler, which owns the receiving now
        }
        receiving_ = false;
    }
    if (read_error && read_error != asio::error::would_block) {
        error_code ignored;
        socket_.close(ignored);
        fail_all(read_error);
        return;
    }
    // Listen on only while a query is out: an idle client holds no pending operation. Late
    // replies to a query that timed out stay in the socket until the next query drops them.
    if (socket_.is_open() && in_flight()) {
        receive();
    }
}

bool client::reading(std::uint64_t generation) const {
    return socket_.is_open() && generation == socket_generation_;
}

error_code client::drain(std::size_t budget, std::uint64_t generation, std::size_t& read) {
    std::array<mmsghdr, batch_slots> headers{};
    std::array<iovec, batch_slots> vectors{};
    std::array<sockaddr_nl, batch_slots> senders{};
    while (budget > 0 && reading(generation) && in_flight()) {
        const auto asked = std::min(budget, batch_slots);
        for (std::size_t i = 0; i < asked; ++i) {
            vectors[i] = {receive_slots_.get() + i * slot_bytes_, slot_bytes_};
            headers[i] = {};
            headers[i].msg_hdr.msg_iov = &vectors[i];
            headers[i].msg_hdr.msg_iovlen = 1;
            headers[i].msg_hdr.msg_name = &senders[i];
            headers[i].msg_hdr.msg_namelen = sizeof(sockaddr_nl); // the kernel may shorten it
        }
        // MSG_TRUNC: each msg_len is the datagram's whole length, so a cut one shows.
        const int received =
            ::recvmmsg(socket_.native_handle(), headers.data(), static_cast<unsigned>(asked),
                       MSG_DONTWAIT | MSG_TRUNC, nullptr);
        if (received < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno_error(errno); // EAGAIN: all read
        }
        for (std::size_t i = 0; i < static_cast<std::size_t>(received); ++i) {
            if (!sent_by_kernel(&senders[i], headers[i].msg_hdr.msg_namelen)) {
                continue;
            }
            const std::size_t size = headers[i].msg_len;
            dispatch_datagram({receive_slots_.get() + i * slot_bytes_, std::min(size, slot_bytes_)},
                              size, generation);
        }
        budget -= static_cast<std::size_t>(received);
        read += static_cast<std::size_t>(received);
        if (static_cast<std::size_t>(received) < asked) {
            return asio::error::would_block; // the socket is empty for now
        }
    }
    return {};
}

void client::dispatch_datagram(std::span<const std::byte> bytes, std::size_t size,
                               std::uint64_t generation) {
    if (!reading(generation)) {
        return; // a handler closed the socket: whatever this answers is over
    }
    if (size > bytes.size()) {
        // Cut to the slot: the reply it starts cannot be read whole. Its query fails (a rule
        // list would otherwise be counted short); the header still names the query.
        std::uint32_t sequence = 0;
        if (bytes.size() >= sizeof(nlmsghdr)) {
            std::memcpy(&sequence, bytes.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof sequence);
        }
        const auto cut = errno_error(EMSGSIZE);
        if (status_flight_.sequence == sequence) {
            finish(status_flight_, cut, status{});
        } else if (rules_flight_.sequence == sequence) {
            finish(rules_flight_, cut, fresh<rule_tally>());
        } else if (features_flight_.sequence == sequence) {
            finish(features_flight_, cut, features{});
        }
        return;
    }
    message_cursor cursor(bytes);
    message reply;
    // Stops if a handler closed the socket: the rest answers queries that are over.
    while (reading(generation) && cursor.next(reply)) {
        dispatch(reply);
    }
}

bool client::in_flight() const {
    return status_flight_.sequence.has_value() || rules_flight_.sequence.has_value() ||
           features_flight_.sequence.has_value();
}

void client::dispatch(const message& reply) {
    // A failure or a garbled reply ends whichever query it answers.
    const auto fail = [&reply, this](auto& f, auto empty) {
        if (reply.kind == message_kind::error) {
            finish(f, errno_error(reply.error_number), std::move(empty));
        } else if (reply.kind == message_kind::malformed) {
            finish(f, errno_error(EBADMSG), std::move(empty));
        }
        // else: the ack, in whichever order it comes, or something we did not ask for
    };
    if (status_flight_.sequence == reply.sequence) {
        if (reply.kind == message_kind::status) {
            finish(status_flight_, {}, reply.audit_status);
        } else {
            fail(status_flight_, status{});
        }
    } else if (rules_flight_.sequence == reply.sequence) {
        if (reply.kind == message_kind::rule) {
            rules_flight_.partial.add(reply.rule); // counted now; the rule is not kept
        } else if (reply.kind == message_kind::done) {
            finish(rules_flight_, {}, std::move(rules_flight_.partial));
        } else {
            fail(rules_flight_, fresh<rule_tally>());
        }
    } else if (features_flight_.sequence == reply.sequence) {
        if (reply.kind == message_kind::features) {
            finish(features_flight_, {}, reply.kernel_features);
        } else {
            fail(features_flight_, features{});
        }
    }
    // Anything else answers a query that already timed out: dropped.
}

} // namespace lae::audit
