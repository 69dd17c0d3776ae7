#include "audit/client.hpp"

#include "audit/advice.hpp"
#include "audit/netlink_socket.hpp"
#include "core/guarded_call.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/post.hpp>
#include <boost/system/errc.hpp>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <linux/netlink.h>
#include <sys/socket.h>
#include <type_traits>

namespace lae::audit {
namespace {

namespace asio = boost::asio;
using boost::system::error_code;

} // namespace

reply_effect status_query::take(const message& reply, answer_type& answer) {
    if (reply.kind != message_kind::status) {
        return reply_effect::none;
    }
    answer = reply.audit_status;
    return reply_effect::complete;
}

reply_effect rules_query::take(const message& reply, answer_type& answer) {
    if (reply.kind == message_kind::rule) {
        answer.add(reply.rule); // counted now; the rule is not kept
        return reply_effect::added;
    }
    return reply.kind == message_kind::done ? reply_effect::complete : reply_effect::none;
}

reply_effect features_query::take(const message& reply, answer_type& answer) {
    if (reply.kind != message_kind::features) {
        return reply_effect::none;
    }
    answer = reply.kernel_features;
    return reply_effect::complete;
}

static_assert(client::default_protocol == NETLINK_AUDIT);

client::client(asio::any_io_executor executor, std::chrono::milliseconds timeout,
               int netlink_protocol, peer accept, std::size_t slot_bytes)
    : executor_(executor), timeout_(timeout), netlink_protocol_(netlink_protocol), accept_(accept),
      socket_(executor), flights_(executor),
      // At least a header: a cut reply still names its query.
      slot_bytes_(std::max(slot_bytes, sizeof(nlmsghdr))),
      receive_slots_(std::make_unique_for_overwrite<std::byte[]>(batch_slots * slot_bytes_)) {}

client::~client() {
    // No handler runs from a destructor: whoever waits is going away with the event loop.
    flights_.for_each([](auto& f) { f.waiters.clear(); });
    error_code ignored;
    socket_.close(ignored);
}

lae::result<void> client::open() {
    if (const auto error = open_socket()) {
        return audit_failure(error);
    }
    return {};
}

error_code client::open_socket() {
    if (socket_.is_open()) {
        return {};
    }
    if (const auto error = open_netlink_socket(socket_, netlink_protocol_)) {
        return error;
    }
    // Connected to the kernel (port id 0): the kernel assigns our port id and from then on
    // refuses datagrams from any other sender (the sender gets ECONNREFUSED). (A datagram
    // queued before the connect still reaches us: netlink_connect binds our port id, usually
    // our pid, before it marks the socket connected; hence sent_by_kernel on every read.)
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    const asio::generic::raw_protocol::endpoint kernel_endpoint(&kernel, sizeof kernel,
                                                                netlink_protocol_);
    error_code error;
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

void client::async_get_status(status_handler done) {
    join<status_query>(std::move(done));
}

void client::async_list_rules(rules_handler done) {
    join<rules_query>(std::move(done));
}

void client::async_get_features(features_handler done) {
    join<features_query>(std::move(done));
}

template <typename Query> void client::join(handler<Query> done) {
    auto& f = std::get<flight<Query>>(flights_.flights);
    f.waiters.push_back(std::move(done));
    if (!f.sequence) {
        start(f);
    }
}

template <typename Query> void client::start(flight<Query>& f) {
    ++f.attempt;
    if (const auto error = open_socket()) {
        fail_later(f, error);
        return;
    }
    // Never reused, not even on a new socket, so a stale reply or timer cannot match.
    if (next_sequence_ == 0) {
        ++next_sequence_; // 0 marks a flight that is failing (fail_later)
    }
    const std::uint32_t sequence = next_sequence_++;
    std::array<std::byte, request_size> request{};
    const auto size = encode_request(Query::request_type, sequence, request);
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
    f.partial = Query::fresh(settings_);
    f.timer.expires_after(timeout_);
    f.timer.async_wait([this, &f, sequence](const error_code& wait_error) {
        if (wait_error == asio::error::operation_aborted || f.sequence != sequence) {
            return;
        }
        fail(f, errno_error(ETIMEDOUT));
    });
}

template <typename Query> void client::fail_later(flight<Query>& f, error_code error) {
    // Complete from the event loop, never from inside the caller's own call.
    f.sequence = 0; // no reply can match: sequence 0 is never sent
    asio::post(executor_, [this, &f, error, attempt = f.attempt] {
        // Unless close() has failed this flight meanwhile and a new one has started.
        if (f.attempt == attempt && f.sequence == 0U) {
            fail(f, error);
        }
    });
}

template <typename Query> void client::fail(flight<Query>& f, const error_code& error) {
    finish(f, lae::result<typename Query::answer_type>(audit_failure(error)));
}

template <typename Query>
void client::finish(flight<Query>& f, lae::result<typename Query::answer_type> outcome) {
    f.sequence.reset();
    f.timer.cancel();
    const error_code error = outcome ? error_code() : outcome.error().code;
    if (error != f.last_error && error != asio::error::operation_aborted) {
        if (error) {
            logging::warn(std::string(Query::name) + " query failing: " + outcome.error().what);
        } else {
            logging::info(std::string(Query::name) + " query succeeds again");
        }
        f.last_error = error;
    }
    if (receiving_ && !in_flight()) {
        error_code ignored;
        socket_.cancel(ignored); // a timeout ended the last query: stop waiting for its reply
    }
    // Waiters may start the next query of this kind: the flight is idle before they run, and
    // whoever joins from now on waits for that next query.
    deliver(f); // an earlier outcome first (none: a flight ends at most once a turn)
    f.outcome.emplace(std::move(outcome));
    f.answered = std::move(f.waiters);
    f.waiters.clear();
    if (!in_turn_) {
        deliver(f);
    }
}

template <typename Query> void client::deliver(flight<Query>& f) {
    if (!f.outcome) {
        return;
    }
    const auto outcome = std::move(*f.outcome);
    f.outcome.reset();
    const auto waiters = std::move(f.answered);
    f.answered.clear();
    for (const auto& waiter : waiters) {
        // A waiter that throws is a bug of whoever asked; the others get the same answer,
        // and the client, consistent already, goes on.
        // In practice the waiter served a scrape or a /healthz request: the operator sees
        // that request go unanswered (its connection closed), so the line says that.
        const auto thrown = exception_from([&] { waiter(outcome); });
        if (!thrown) {
            continue;
        }
        if (const auto count = f.handler_failures.admit()) {
            logging::error(bug_report(
                std::string("a handler of the ") + std::string(Query::name) + " query", *thrown,
                "the request it served (a scrape or a /healthz check) got no answer and its "
                "connection was closed; the other handlers got the answer, and later queries "
                "go on (" +
                    std::to_string(*count) + " so far for this query)"));
        }
    }
}

void client::deliver_all() {
    flights_.for_each([this](auto& f) { deliver(f); });
}

void client::fail_all(const error_code& error) {
    fail_all(audit_failure(error));
}

void client::fail_all(const lae::failure& why) {
    flights_.for_each([this, &why](auto& f) {
        if (f.sequence) {
            finish(f, lae::result<typename std::decay_t<decltype(f)>::answer_type>(why));
        }
    });
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
    error_code read_error = error;
    if (!error) {
        // Answers found in this turn reach their waiters only once it is over and the client
        // is consistent again (the next receive armed, or the socket closed): whatever a
        // waiter does then (throw, close, ask again) meets a client in a known state, and no
        // waiter runs while the turn still reads into the slots.
        in_turn_ = true;
        try {
            read_error = read_turn(size);
        } catch (...) {
            in_turn_ = false; // out of memory counting a rule, say: nothing is armed now
            // The replies this turn took are gone: the queries in flight would time out and
            // the log blame the kernel. They fail now, saying whose failure it is, and the
            // next query starts on a fresh socket. (`throw;` hands exception_from the
            // exception being handled, for its message.)
            const auto thrown = exception_from([] { throw; });
            error_code ignored;
            socket_.close(ignored);
            fail_all(lae::failure{
                "the exporter itself failed while reading the kernel's audit replies (" +
                    thrown.value_or("") +
                    "): a bug or a lack of memory in the exporter, not a kernel problem; the "
                    "next query tries again on a fresh socket",
                boost::system::errc::make_error_code(boost::system::errc::state_not_recoverable)});
            deliver_all();
            throw;
        }
        in_turn_ = false;
    }
    if (read_error && read_error != asio::error::would_block &&
        read_error != asio::error::operation_aborted) {
        // ENOBUFS and the like: replies were lost; start over on a fresh socket.
        error_code ignored;
        socket_.close(ignored);
        fail_all(read_error);
    } else if (socket_.is_open() && in_flight()) {
        // Listen on only while a query is out: an idle client holds no pending operation.
        // Late replies to a query that timed out stay in the socket until the next query
        // drops them.
        receive();
    }
    deliver_all();
}

error_code client::read_turn(std::size_t size) {
    // The first datagram, then what else is ready, in batches, in this one turn: a rule list
    // is one datagram per rule, and an event-loop round trip per rule would cost more than
    // the kernel's own work.
    if (sent_by_kernel(sender_.data(), sender_.size())) {
        dispatch_datagram({receive_slots_.get(), std::min(size, slot_bytes_)}, size);
    }
    std::size_t read = 1;
    const auto read_error = drain(datagrams_per_turn - read, read);
    longest_turn_ = std::max(longest_turn_, read);
    return read_error;
}

error_code client::drain(std::size_t budget, std::size_t& read) {
    std::array<mmsghdr, batch_slots> headers{};
    std::array<iovec, batch_slots> vectors{};
    std::array<sockaddr_nl, batch_slots> senders{};
    while (budget > 0 && in_flight()) {
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
                              size);
        }
        budget -= static_cast<std::size_t>(received);
        read += static_cast<std::size_t>(received);
        if (static_cast<std::size_t>(received) < asked) {
            return asio::error::would_block; // the socket is empty for now
        }
    }
    return {};
}

void client::dispatch_datagram(std::span<const std::byte> bytes, std::size_t size) {
    if (size > bytes.size()) {
        // Cut to the slot: the reply it starts cannot be read whole. Its query fails (a rule
        // list would otherwise be counted short); the header still names the query.
        std::uint32_t sequence = 0;
        if (bytes.size() >= sizeof(nlmsghdr)) {
            std::memcpy(&sequence, bytes.data() + offsetof(nlmsghdr, nlmsg_seq), sizeof sequence);
        }
        flights_.for_each([this, sequence](auto& f) {
            if (f.sequence == sequence) {
                fail(f, errno_error(EMSGSIZE));
            }
        });
        return;
    }
    message_cursor cursor(bytes);
    message reply;
    while (cursor.next(reply)) {
        dispatch(reply);
    }
}

bool client::in_flight() const {
    return flights_.any([](const auto& f) { return f.sequence.has_value(); });
}

void client::dispatch(const message& reply) {
    // Sequence numbers are never reused, so at most one flight matches; anything else
    // answers a query that already timed out: dropped.
    flights_.for_each([this, &reply](auto& f) {
        if (f.sequence == reply.sequence) {
            take(f, reply);
        }
    });
}

template <typename Query> void client::take(flight<Query>& f, const message& reply) {
    // A failure or a garbled reply ends whichever query it answers.
    if (reply.kind == message_kind::error) {
        fail(f, errno_error(reply.error_number));
    } else if (reply.kind == message_kind::malformed) {
        fail(f, errno_error(EBADMSG));
    } else if (Query::take(reply, f.partial) == reply_effect::complete) {
        finish(f, lae::result<typename Query::answer_type>(std::move(f.partial)));
    }
}

} // namespace lae::audit
