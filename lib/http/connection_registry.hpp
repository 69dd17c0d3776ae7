#pragma once

#include "http/connection.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/post.hpp>
#include <cstddef>
#include <functional>
#include <list>
#include <utility>

namespace lae::http {

// Who is connected, and which connections wait idle for a request (oldest first), so that a
// full house sheds the longest-idle connection rather than the new scrape. Shared by the
// server and its sessions, so that either may go first.
class connection_registry {
public:
    connection_registry(boost::asio::any_io_executor executor, std::size_t limit)
        : executor_(std::move(executor)), limit_(limit) {}

    std::size_t size() const { return all_.size(); }
    bool stopping() const { return stopping_; }

    struct position {
        std::list<connection*>::iterator all;
        std::list<connection*>::iterator idle;
    };
    position add(connection* who) { return {all_.insert(all_.end(), who), idle_.end()}; }
    // Called from a session's destructor: bookkeeping only. The drain callback is posted, never
    // run from here: a destructor may run while the event loop and its owners are going away.
    void remove(position& where) {
        forget_idle(where);
        all_.erase(where.all);
        if (stopping_ && all_.empty() && on_drained_) {
            boost::asio::post(executor_, std::exchange(on_drained_, nullptr));
        }
    }
    void mark_idle(connection* who, position& where) {
        forget_idle(where);
        where.idle = idle_.insert(idle_.end(), who);
    }
    void forget_idle(position& where) {
        if (where.idle != idle_.end()) {
            idle_.erase(where.idle);
            where.idle = idle_.end();
        }
    }
    // Makes room for one more connection; false when every connection is busy.
    bool make_room();
    void stop(std::function<void()> on_drained);
    // Closes every connection, busy or not; their sessions end as their operations complete.
    void abort();

private:
    boost::asio::any_io_executor executor_;
    std::size_t limit_;
    bool stopping_ = false;
    std::list<connection*> all_;
    std::list<connection*> idle_;
    std::function<void()> on_drained_;
};

} // namespace lae::http
