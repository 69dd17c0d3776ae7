#include "http/router.hpp"

#include <algorithm>
#include <string>

namespace lae::http {

void router::add(std::string path, handler route_handler) {
    routes_.emplace_back(std::move(path), std::move(route_handler));
}

void router::require(std::shared_ptr<credential_check> credentials) {
    credentials_ = std::move(credentials);
}

void router::guard(std::shared_ptr<request_guard> guard) {
    guard_ = std::move(guard);
}

void router::decorate(response& outgoing) const {
    if (guard_) {
        guard_->decorate(outgoing);
    }
}

void router::route(const request& incoming, const responder& respond,
                   const boost::asio::ip::address& client) const {
    if (!guard_) {
        authenticate(incoming, respond, client, credentials_);
        return;
    }
    const responder decorated = [guard = guard_, respond](response answer) {
        guard->decorate(answer);
        respond(std::move(answer));
    };
    if (auto early = guard_->admit(incoming)) {
        decorated(std::move(*early));
        return;
    }
    authenticate(incoming, decorated, client, guard_->credentials());
}

void router::authenticate(const request& incoming, const responder& respond,
                          const boost::asio::ip::address& client,
                          const std::shared_ptr<credential_check>& credentials) const {
    if (!credentials) {
        dispatch(incoming, respond);
        return;
    }
    credentials->check(
        incoming[beast_http::field::authorization], client,
        [this, &incoming, respond](credential_check::decision decision) {
            switch (decision.outcome) {
            case credential_check::verdict::allowed:
                dispatch(incoming, respond);
                return;
            case credential_check::verdict::throttled: {
                auto res = make_response(beast_http::status::too_many_requests,
                                         "text/plain; charset=utf-8", "429 too many requests\n");
                res.set(beast_http::field::retry_after,
                        std::to_string(std::max<long>(decision.retry_after.count(), 1)));
                respond(std::move(res));
                return;
            }
            case credential_check::verdict::denied:
                break;
            }
            auto res = make_response(beast_http::status::unauthorized, "text/plain; charset=utf-8",
                                     "401 unauthorized\n");
            res.set(beast_http::field::www_authenticate, credential_check::challenge);
            respond(std::move(res));
        });
}

void router::dispatch(const request& incoming, const responder& respond) const {
    std::string_view target = incoming.target();
    target = target.substr(0, target.find_first_of("?#")); // the query does not choose a route
    const auto found = std::find_if(routes_.begin(), routes_.end(),
                                    [target](const auto& route) { return route.first == target; });
    if (found == routes_.end()) {
        respond(make_response(beast_http::status::not_found, "text/plain; charset=utf-8",
                              "404 page not found\n"));
        return;
    }
    const auto method = incoming.method();
    if (method != beast_http::verb::get && method != beast_http::verb::head) {
        auto res = make_response(beast_http::status::method_not_allowed,
                                 "text/plain; charset=utf-8", "405 method not allowed\n");
        res.set(beast_http::field::allow, "GET, HEAD");
        respond(std::move(res));
        return;
    }
    found->second(incoming, respond);
}

} // namespace lae::http
