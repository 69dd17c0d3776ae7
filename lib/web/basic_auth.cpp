#include "web/basic_auth.hpp"

#include "logging/logging.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cmath>
#include <crypt.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <set>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <unordered_set>

namespace lae::web {
namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

// Checked against when the user is unknown (its cost digits replaced by the highest cost in
// use), so that the answer takes as long either way. No password produces this digest.
constexpr std::string_view dummy_template =
    "$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa";

constexpr std::size_t max_cached = 64;    // a few users, a few passwords
constexpr std::size_t max_clients = 4096; // failure budgets remembered at once

std::string sha256(std::string_view text) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_sha256(), nullptr);
    return std::string(reinterpret_cast<const char*>(digest.data()), size);
}

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

// Runs on a worker thread: pure, touches nothing shared.
bool bcrypt_matches(const std::string& password, const std::string& hash) {
    // Workers yield to the event loop: on a small machine a flood of checks must not take the
    // CPU from scrapes (Linux gives each thread its own nice value).
    thread_local const bool lowered =
        ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10) == 0;
    (void)lowered;
    auto data = std::make_unique<crypt_data>(); // about 32 KiB: not on the stack
    const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
    if (computed == nullptr || computed[0] == '*') {
        return false;
    }
    const std::string_view result(computed);
    return result.size() == hash.size() &&
           CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
}

std::size_t default_workers() {
    return std::clamp<std::size_t>(std::thread::hardware_concurrency() / 2, 1, 4);
}

} // namespace

bool decode_base64(std::string_view text, std::string& out) {
    out.clear();
    while (!text.empty() && text.back() == '=') {
        text.remove_suffix(1);
    }
    unsigned bits = 0;
    int count = 0;
    for (const char c : text) {
        const int value = base64_value(c);
        if (value < 0) {
            return false;
        }
        bits = (bits << 6U) | static_cast<unsigned>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> static_cast<unsigned>(count)) & 0xFFU);
        }
    }
    return true;
}

unsigned bcrypt_cost(std::string_view hash) {
    // $2a$, $2b$, $2x$ or $2y$, two digits, $
    if (hash.size() < 7 || hash.substr(0, 2) != "$2" || hash[3] != '$' || hash[6] != '$' ||
        hash[4] < '0' || hash[4] > '9' || hash[5] < '0' || hash[5] > '9') {
        return 0;
    }
    return static_cast<unsigned>((hash[4] - '0') * 10 + (hash[5] - '0'));
}

std::string dummy_hash(const std::map<std::string, std::string>& users) {
    unsigned cost = 10;
    bool any = false;
    for (const auto& [user, hash] : users) {
        if (const auto c = bcrypt_cost(hash); c >= 4 && c <= 31) {
            cost = any ? std::max(cost, c) : c;
            any = true;
        }
    }
    std::string out(dummy_template);
    out[4] = static_cast<char>('0' + cost / 10);
    out[5] = static_cast<char>('0' + cost % 10);
    return out;
}

struct basic_auth::state {
    asio::any_io_executor loop;
    limits settings;
    std::map<std::string, std::string> users;
    std::string dummy;
    std::uint64_t generation = 0;             // bumped by reload: late verdicts are not cached
    std::unordered_set<std::string> verified; // SHA-256 of Authorization values that passed

    struct budget {
        double tokens = 0;
        clock_type::time_point updated;
    };
    std::unordered_map<std::string, budget> budgets; // by client address

    struct pending_check {
        completion done;
        std::string key;
        std::string client;
        std::uint64_t generation;
    };
    std::unordered_map<std::uint64_t, pending_check> pending;
    std::uint64_t next_id = 0;

    budget& budget_of(const std::string& client, clock_type::time_point now) {
        auto found = budgets.find(client);
        if (found == budgets.end()) {
            if (budgets.size() >= max_clients) {
                // Forget the clients that have their whole budget back; if that is everybody
                // still failing, start afresh rather than grow without bound.
                std::erase_if(budgets, [&](const auto& entry) {
                    return refilled(entry.second, now) >= settings.failure_burst;
                });
                if (budgets.size() >= max_clients) {
                    budgets.clear();
                }
            }
            found =
                budgets.emplace(client, budget{static_cast<double>(settings.failure_burst), now})
                    .first;
        }
        found->second.tokens = refilled(found->second, now);
        found->second.updated = now;
        return found->second;
    }
    double refilled(const budget& b, clock_type::time_point now) const {
        const double per_ms = 1.0 / static_cast<double>(std::max<long>(settings.refill.count(), 1));
        const auto elapsed =
            std::chrono::duration_cast<std::chrono::milliseconds>(now - b.updated).count();
        return std::min(static_cast<double>(settings.failure_burst),
                        b.tokens + static_cast<double>(elapsed) * per_ms);
    }

    void complete(std::uint64_t id, bool ok) {
        auto node = pending.extract(id);
        if (node.empty()) {
            return;
        }
        auto& check = node.mapped();
        if (ok) {
            if (check.generation == generation) {
                if (verified.size() >= max_cached) {
                    verified.clear();
                }
                verified.insert(check.key);
            }
            // A success costs the client nothing: give back what the check took.
            auto& b = budget_of(check.client, clock_type::now());
            b.tokens = std::min(static_cast<double>(settings.failure_burst), b.tokens + 1);
        }
        check.done({ok ? verdict::allowed : verdict::denied, std::chrono::seconds(0)});
    }
};

basic_auth::basic_auth(asio::any_io_executor loop, std::map<std::string, std::string> users,
                       limits settings)
    : state_(std::make_shared<state>()),
      pool_(settings.workers != 0 ? settings.workers : default_workers()) {
    if (settings.workers == 0) {
        settings.workers = default_workers();
    }
    if (settings.max_in_flight == 0) {
        // Two per worker: a queued guess waits at most two bcrypt times for its 401.
        settings.max_in_flight = 2 * settings.workers;
    }
    state_->loop = std::move(loop);
    state_->settings = settings;
    reload(std::move(users));
}

basic_auth::basic_auth(asio::any_io_executor loop, std::map<std::string, std::string> users)
    : basic_auth(std::move(loop), std::move(users), limits{}) {}

basic_auth::~basic_auth() {
    // Checks not started are dropped; a running one finishes (one bcrypt) before we go on.
    pool_.stop();
    pool_.join();
}

void basic_auth::abandon() {
    // Moved out first: the requests' callbacks may end sessions as they go.
    auto dropped = std::move(state_->pending);
    state_->pending.clear();
}

void basic_auth::reload(std::map<std::string, std::string> users) {
    std::set<unsigned> costs;
    for (const auto& [user, hash] : users) {
        costs.insert(bcrypt_cost(hash));
    }
    if (costs.size() > 1) {
        // The unknown-user check costs as much as the dearest hash: a cheaper user answers
        // faster, and so can be told apart from an unknown name by timing.
        logging::warn("basic authentication: the users' bcrypt hashes have different costs (" +
                      std::to_string(*costs.begin()) + " to " + std::to_string(*costs.rbegin()) +
                      "), so a user of a lower cost can be told from an unknown name by the "
                      "answer's timing; make all hashes with one cost (htpasswd -B -C COST)");
    }
    state_->dummy = dummy_hash(users);
    state_->users = std::move(users);
    state_->verified.clear();
    ++state_->generation;
}

void basic_auth::check(std::string_view authorization, const asio::ip::address& client,
                       completion done) {
    auto& s = *state_;
    constexpr std::string_view scheme = "Basic ";
    std::string decoded;
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme ||
        !decode_base64(authorization.substr(scheme.size()), decoded) ||
        decoded.find(':') == std::string::npos) {
        done({verdict::denied, std::chrono::seconds(0)}); // nothing to check: no bcrypt spent
        return;
    }
    auto key = sha256(authorization);
    if (s.verified.count(key) != 0U) {
        done({verdict::allowed, std::chrono::seconds(0)});
        return;
    }
    auto who = client.to_string();
    auto& budget = s.budget_of(who, clock_type::now());
    if (budget.tokens < 1.0) {
        const double wait_ms =
            (1.0 - budget.tokens) * static_cast<double>(s.settings.refill.count());
        done({verdict::throttled,
              std::chrono::seconds(static_cast<long>(std::ceil(wait_ms / 1000.0)))});
        return;
    }
    if (s.pending.size() >= s.settings.max_in_flight) {
        done({verdict::throttled, std::chrono::seconds(1)}); // the workers are saturated
        return;
    }
    budget.tokens -= 1.0;

    const auto colon = decoded.find(':');
    const auto found = s.users.find(decoded.substr(0, colon));
    const bool known = found != s.users.end();
    const auto id = s.next_id++;
    s.pending.emplace(
        id, state::pending_check{std::move(done), std::move(key), std::move(who), s.generation});
    // The worker holds only a weak hold on the state, so that the state is only ever destroyed
    // on the loop, and no work count of the loop's: while serving, the waiting request's
    // connection keeps the loop running; at shutdown abandon() lets it end without waiting
    // for bcrypt (a verdict posted after that is destroyed with the loop, unrun).
    asio::post(pool_, [password = decoded.substr(colon + 1), hash = known ? found->second : s.dummy,
                       known, id, weak = std::weak_ptr<state>(state_), loop = s.loop] {
        const bool ok = bcrypt_matches(password, hash) && known;
        asio::post(loop, [weak, id, ok] {
            if (const auto alive = weak.lock()) {
                alive->complete(id, ok);
            }
        });
    });
}

} // namespace lae::web
