// HTTP basic authentication against bcrypt hashes (the web configuration's basic_auth_users).
// bcrypt costs tens to hundreds of milliseconds of CPU by design, so it never runs on the event
// loop: checks go to a small pool of worker threads and their verdicts are posted back. Every
// other piece of state (the cache of credentials that passed, the per-client failure budget,
// the per-client queues of checks waiting for a worker) lives on the event loop's thread only,
// without locks.
//
// Clients are served fairly: each client (an IPv4 address, an IPv6 /64) has a short queue of
// its own, and the workers take the next check from the next client in turn, clients that
// gave a wrong password lately after the others. A flood of guesses from many addresses then
// delays a valid login by one check, instead of taking every worker slot and leaving it 429.
#pragma once

#include "http/credential_check.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace lae::web {

class basic_auth final : public http::credential_check {
public:
    struct limits {
        std::size_t workers = 0; // bcrypt threads; 0: half the CPUs, from 1 to 4
        // Checks one client may have queued or running at once; beyond: 429.
        std::size_t per_client_queue = 2;
        // Each client address may fail this many checks in a row at once, then one more per
        // `refill`; beyond that it gets 429 with Retry-After (its cached credentials still
        // pass: a scrape is never locked out by someone guessing from the same address).
        unsigned failure_burst = 5;
        std::chrono::milliseconds refill{1000};
        // Failure budgets remembered at once; beyond, the one not used for longest goes.
        std::size_t max_clients = 4096;
    };

    // `loop` is the event loop's executor: decisions are delivered there.
    basic_auth(boost::asio::any_io_executor loop, std::map<std::string, std::string> users,
               limits settings);
    basic_auth(boost::asio::any_io_executor loop, std::map<std::string, std::string> users);
    basic_auth(const basic_auth&) = delete;
    basic_auth& operator=(const basic_auth&) = delete;
    ~basic_auth() override;

    // New users (a reloaded web configuration): forgets the cached credentials of users removed
    // or given a new hash (those of unchanged users stay: a reload, a certificate rotation
    // among them, must not send every remembered scraper back to bcrypt and its 429s) and
    // makes the unknown-user hash at the new highest cost. Checks in flight finish against the
    // old hashes and are remembered only if their user's hash is still the same.
    void reload(std::map<std::string, std::string> users);

    // Decides whether `authorization` (the header's value) names a known user with the right
    // password. Cached credentials and malformed values are decided inside this call; a bcrypt
    // check completes later, from the event loop. `done` is called exactly once, unless
    // abandon() drops it first.
    void check(std::string_view authorization, const boost::asio::ip::address& client,
               completion done) override;

    // At shutdown, when the grace period ends: drops every check still waiting for a worker's
    // verdict (and with it the request it was for) without calling it. Checks do not keep the
    // event loop running, so this is what lets the exporter exit without waiting for bcrypt.
    void abandon();

private:
    // Gives free workers the next check of the next client in turn.
    void serve_next();

    struct state;
    std::shared_ptr<state> state_;  // shared with the verdicts posted back to the loop
    boost::asio::thread_pool pool_; // last: joined first, before the state it reports to goes
};

// A hash that no password matches, at the highest bcrypt cost among `users` (10 when there are
// none): checked for unknown users, so that an unknown user costs as long as a known one.
std::string dummy_hash(const std::map<std::string, std::string>& users);

// The cost of a bcrypt hash ($2y$12$... -> 12), or 0 when it is not one.
unsigned bcrypt_cost(std::string_view hash);

// Decodes standard base64; false on malformed input.
bool decode_base64(std::string_view text, std::string& out);

} // namespace lae::web
