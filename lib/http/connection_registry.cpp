#include "http/connection_registry.hpp"

namespace lae::http {

bool connection_registry::make_room() {
    if (all_.size() < limit_) {
        return true;
    }
    if (idle_.empty()) {
        return false;
    }
    // The front waited longest; closing it makes its session end on its own soon after.
    connection* oldest = idle_.front();
    oldest->close();
    return true;
}

void connection_registry::stop(std::function<void()> on_drained) {
    stopping_ = true;
    on_drained_ = std::move(on_drained);
    while (!idle_.empty()) {
        idle_.front()->close(); // close() takes it off the idle list
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
