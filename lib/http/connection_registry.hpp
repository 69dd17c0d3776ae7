// Who is connected, and which connections can give up their place: those waiting idle for a
// request, and those whose answer the client has not read for a while (a write stalled:
// clients that pipeline requests and never read), each oldest first. A full house sheds one
// of those rather than the new scrape, and one client address may hold only so many places.
// Shared by the server and its sessions, so that either may go first.
#pragma once

#include "http/connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <utility>

namespace lae::http {

class connection_registry {
public:
    using clock = std::chrono::steady_clock;

    // `limit` connections in all, `per_client` from one address; a write pending for
    // `stalled_after` may be cut to make room.
    connection_registry(boost::asio::any_io_executor executor, std::size_t limit,
                        std::size_t per_client, clock::duration stalled_after)
        : executor_(std::move(executor)), limit_(limit), per_client_(per_client),
          stalled_after_(stalled_after) {}

    std::size_t size() const { return all_.size(); }
    std::size_t from(const boost::asio::ip::address& client) const;
    bool stopping() const { return stopping_; }

    struct waiting {
        connection* who;
        boost::asio::ip::address client;
        clock::time_point since;
    };
    struct position {
        std::list<connection*>::iterator all;
        std::list<waiting>::iterator idle;
        std::list<waiting>::iterator writing;
        boost::asio::ip::address client;
    };
    position add(connection* who, const boost::asio::ip::address& client);
    // Called from a session's destructor: bookkeeping only. The drain callback is posted, never
    // run from here: a destructor may run while the event loop and its owners are going away.
    void remove(position& where);
    void mark_idle(connection* who, position& where);
    void forget_idle(position& where);
    void mark_writing(connection* who, position& where);
    void forget_writing(position& where);

    // Makes room for one more connection from `client`: closes one that can give up its place
    // when the house, or the client's share of it, is full; false when none can.
    bool make_room(const boost::asio::ip::address& client);
    void stop(std::function<void()> on_drained);
    // Closes every connection, busy or not; their sessions end as their operations complete.
    void abort();

private:
    // Closes the connection that waited longest, idle ones first, then stalled writers, among
    // those `eligible` says; false when there is none.
    bool evict(const std::function<bool(const waiting&)>& eligible);

    boost::asio::any_io_executor executor_;
    std::size_t limit_;
    std::size_t per_client_;
    clock::duration stalled_after_;
    bool stopping_ = false;
    std::list<connection*> all_;
    std::list<waiting> idle_;    // oldest first
    std::list<waiting> writing_; // by the start of the write, oldest first
    std::map<boost::asio::ip::address, std::size_t> clients_; // by client_network
    std::function<void()> on_drained_;
};

} // namespace lae::http
