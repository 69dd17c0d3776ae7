#include "http/connection_registry.hpp"

#include "http/client_network.hpp"

namespace lae::http {

std::size_t connection_registry::from(const boost::asio::ip::address& client) const {
    const auto found = clients_.find(client_network(client));
    return found == clients_.end() ? 0 : found->second;
}

connection_registry::position connection_registry::add(connection* who,
                                                       const boost::asio::ip::address& client) {
    const auto network = client_network(client);
    ++clients_[network];
    return {all_.insert(all_.end(), who), idle_.end(), writing_.end(), network};
}

void connection_registry::remove(position& where) {
    forget_idle(where);
    forget_writing(where);
    all_.erase(where.all);
    if (const auto found = clients_.find(where.client);
        found != clients_.end() && --found->second == 0) {
        clients_.erase(found);
    }
    if (stopping_ && all_.empty() && on_drained_) {
        boost::asio::post(executor_, std::exchange(on_drained_, nullptr));
    }
}

namespace {

using waiting_list = std::list<connection_registry::waiting>;

void leave(waiting_list& list, waiting_list::iterator& at) {
    if (at != list.end()) {
        list.erase(at);
        at = list.end();
    }
}

void enter(waiting_list& list, waiting_list::iterator& at, connection_registry::waiting entry) {
    leave(list, at);
    at = list.insert(list.end(), std::move(entry));
}

} // namespace

void connection_registry::mark_idle(connection* who, position& where) {
    enter(idle_, where.idle, {who, where.client, clock::now()});
}

void connection_registry::forget_idle(position& where) {
    leave(idle_, where.idle);
}

void connection_registry::mark_writing(connection* who, position& where) {
    enter(writing_, where.writing, {who, where.client, clock::now()});
}

void connection_registry::forget_writing(position& where) {
    leave(writing_, where.writing);
}

bool connection_registry::evict(const std::function<bool(const waiting&)>& eligible) {
    for (const auto& one : idle_) {
        if (eligible(one)) {
            one.who->close(); // takes it off the idle list; its session ends soon after
            return true;
        }
    }
    const auto stalled_since = clock::now() - stalled_after_;
    for (const auto& one : writing_) {
        if (one.since > stalled_since) {
            break; // the rest started later still: none stalled
        }
        if (eligible(one)) {
            one.who->close();
            return true;
        }
    }
    return false;
}

bool connection_registry::make_room(const boost::asio::ip::address& client) {
    if (from(client) >= per_client_) {
        // The client's share is full: it gives up one of its own places, or waits.
        const auto network = client_network(client);
        return evict([&](const waiting& one) { return one.client == network; });
    }
    if (all_.size() < limit_) {
        return true;
    }
    return evict([](const waiting&) { return true; });
}

void connection_registry::stop(std::function<void()> on_drained) {
    stopping_ = true;
    on_drained_ = std::move(on_drained);
    while (!idle_.empty()) {
        idle_.front().who->close(); // close() takes it off the idle list
    }
    if (all_.empty() && on_drained_) {
        boost::asio::post(executor_, std::exchange(on_drained_, nullptr));
    }
}

void connection_registry::abort() {
    stopping_ = true;
    for (auto* who : all_) {
        who->close(); // takes it off the idle list, not off this one (its destructor does)
    }
}

} // namespace lae::http
