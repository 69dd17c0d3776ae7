// The audit netlink socket on the event loop. Every query is asynchronous; at most one query
// of each kind is in flight, and everyone who asks meanwhile shares its answer.
#pragma once

#include "audit/protocol.hpp"
#include "core/guarded_call.hpp"
#include "core/result.hpp"

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/generic/raw_protocol.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <tuple>
#include <vector>

namespace lae::audit {

// The queries the client asks the kernel, one entry each: the request, a name for the log,
// a fresh answer, and what each reply adds to it. A new query is one more of these and one
// more entry in client::flights_; every path of the client (replies, cut replies, timeouts,
// closing) then knows it.
enum class reply_effect {
    none,     // not for this answer (the ack, in whichever order it comes; other types)
    added,    // part of a multi-part answer; more follows
    complete, // the answer is whole
};

struct query_settings {
    std::size_t rule_key_limit = rule_tally::default_max_keys;
};

struct status_query {
    using answer_type = status;
    static constexpr std::uint16_t request_type = audit_get;
    static constexpr std::string_view name = "audit status";
    static answer_type fresh(const query_settings&) { return {}; }
    static reply_effect take(const message& reply, answer_type& answer);
};

struct rules_query {
    using answer_type = rule_tally;
    static constexpr std::uint16_t request_type = audit_list_rules;
    static constexpr std::string_view name = "audit rules";
    static answer_type fresh(const query_settings& settings) {
        return rule_tally(settings.rule_key_limit);
    }
    static reply_effect take(const message& reply, answer_type& answer);
};

struct features_query {
    using answer_type = features;
    static constexpr std::uint16_t request_type = audit_get_feature;
    static constexpr std::string_view name = "audit features";
    static answer_type fresh(const query_settings&) { return {}; }
    static reply_effect take(const message& reply, answer_type& answer);
};

class client {
public:
    // Completes with the answer, or a failure: `code` is the errno (ETIMEDOUT when the
    // kernel did not answer in time), `what` the sentence explain() gives for it.
    template <typename Query>
    using handler = std::function<void(const lae::result<typename Query::answer_type>&)>;
    using status_handler = handler<status_query>;
    using rules_handler = handler<rules_query>;
    using features_handler = handler<features_query>;

    // How the socket meets the kernel: connected (in real use: the kernel then refuses other
    // senders), or only bound (tests: to show that the client itself drops what others send).
    enum class peer { kernel_only, anyone };

    // `netlink_protocol` is NETLINK_AUDIT in real use; tests pass another family to meet a
    // kernel that never answers (a real timeout, no fake).
    // `slot_bytes`: the longest datagram read whole (tests make it small to cut replies).
    client(boost::asio::any_io_executor executor, std::chrono::milliseconds timeout,
           int netlink_protocol = default_protocol, peer accept = peer::kernel_only,
           std::size_t slot_bytes = default_slot_bytes);
    static constexpr int default_protocol = 9; // NETLINK_AUDIT
    // A datagram holds one status, or one rule (tens of bytes to a few KiB; a rule with many
    // long paths stays well below 64 KiB: auditctl itself cannot send one over 8,970 bytes).
    static constexpr std::size_t default_slot_bytes = 64 * 1024;
    client(const client&) = delete;
    client& operator=(const client&) = delete;
    ~client();

    // Opens the socket now, so that a start-up failure (no audit in this kernel, no file
    // descriptors) shows at once. Queries reopen it by themselves after an error.
    lae::result<void> open();

    // The kernel's struct audit_status.
    void async_get_status(status_handler done);

    // The loaded audit rules (AUDIT_LIST_RULES), counted as they arrived.
    void async_list_rules(rules_handler done);

    // The kernel's audit features (AUDIT_GET_FEATURE).
    void async_get_features(features_handler done);

    // Most distinct rule keys counted one by one (the rest are counted together); for the
    // next rules query on.
    void set_rule_key_limit(std::size_t max_keys) { settings_.rule_key_limit = max_keys; }

    // Closes the socket; queries in flight complete with operation_aborted.
    void close();

    // The socket's netlink port id (0 while closed); lets tests send to it.
    std::uint32_t port_id() const;

    // How many requests went to the kernel; lets tests see that concurrent scrapes coalesce.
    std::uint64_t requests_sent() const noexcept { return requests_sent_; }

    // Most datagrams read in one turn of the event loop: a 10,000-rule list then takes forty
    // turns, and HTTP sessions get theirs in between (each turn about half a millisecond).
    static constexpr std::size_t datagrams_per_turn = 256;

    // Most datagrams read in one turn so far; lets tests see that a long rule list leaves
    // room for other handlers.
    std::size_t longest_turn() const noexcept { return longest_turn_; }

private:
    template <typename Query> struct flight {
        using answer_type = typename Query::answer_type;
        explicit flight(boost::asio::any_io_executor executor) : timer(std::move(executor)) {}
        std::optional<std::uint32_t> sequence; // set while a request is in flight
        std::uint64_t attempt = 0;             // counts starts, to tell stale completions
        boost::asio::steady_timer timer;
        std::vector<handler<Query>> waiters;
        answer_type partial{};
        // An outcome not yet handed to its waiters: during a turn of reading, answers wait
        // for the client to be consistent again (see on_receive).
        std::optional<lae::result<answer_type>> outcome;
        std::vector<handler<Query>> answered;
        boost::system::error_code last_error; // for logging only changes of state
        doubling_throttle handler_failures;   // waiters that threw, for the log
    };

    // The table: one flight per query. Every path below walks it whole.
    template <typename... Queries> struct flight_table {
        explicit flight_table(const boost::asio::any_io_executor& executor)
            : flights(flight<Queries>(executor)...) {}
        std::tuple<flight<Queries>...> flights;
        template <typename Visit> void for_each(Visit&& visit) {
            std::apply([&visit](auto&... each) { (visit(each), ...); }, flights);
        }
        template <typename Test> bool any(Test&& test) const {
            return std::apply([&test](const auto&... each) { return (test(each) || ...); },
                              flights);
        }
    };

    // Joins the query in flight, or asks the kernel anew.
    template <typename Query> void join(handler<Query> done);
    template <typename Query> void start(flight<Query>& f);
    // Ends the flight; its waiters get the outcome now, or at the end of the turn of reading.
    template <typename Query>
    void finish(flight<Query>& f, lae::result<typename Query::answer_type> outcome);
    // Hands an ended flight's outcome to its waiters, each guarded (see core/guarded_call.hpp).
    template <typename Query> void deliver(flight<Query>& f);
    void deliver_all();
    template <typename Query> void fail(flight<Query>& f, const boost::system::error_code& error);
    template <typename Query> void fail_later(flight<Query>& f, boost::system::error_code error);
    template <typename Query> void take(flight<Query>& f, const message& reply);

    boost::system::error_code open_socket();
    void receive();
    void on_receive(const boost::system::error_code& error, std::size_t size);
    // One turn: the datagram the receive read (`size` bytes), then what else is ready; the
    // error ends the reading (would_block: all read).
    boost::system::error_code read_turn(std::size_t size);
    // Reads and dispatches what is ready, at most `budget` datagrams, adding them to `read`.
    boost::system::error_code drain(std::size_t budget, std::size_t& read);
    // `size` is the datagram's whole length (MSG_TRUNC): more than `bytes` when it was cut.
    void dispatch_datagram(std::span<const std::byte> bytes, std::size_t size);
    void dispatch(const message& reply);
    void fail_all(const boost::system::error_code& error);
    void fail_all(const lae::failure& why);
    bool in_flight() const;

    boost::asio::any_io_executor executor_;
    std::chrono::milliseconds timeout_;
    int netlink_protocol_;
    peer accept_;
    boost::asio::generic::raw_protocol::socket socket_;
    std::uint32_t next_sequence_ = 1;
    std::uint64_t requests_sent_ = 0;
    std::size_t longest_turn_ = 0;
    bool receiving_ = false;              // an async_receive is pending on socket_
    bool in_turn_ = false;                // reading: answers wait for the turn's end
    std::uint64_t socket_generation_ = 0; // which open() a pending receive belongs to
    flight_table<status_query, rules_query, features_query> flights_;
    query_settings settings_;
    // Receive slots, one datagram each: the first is filled by the asynchronous receive, then
    // up to batch_slots per recvmmsg. Left uninitialised, so only the pages replies touch
    // become resident (one or two per slot for most rules).
    static constexpr std::size_t batch_slots = 16;
    std::size_t slot_bytes_;
    std::unique_ptr<std::byte[]> receive_slots_;
    boost::asio::generic::raw_protocol::endpoint sender_; // of the first datagram of a turn
};

} // namespace lae::audit
