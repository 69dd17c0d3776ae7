#include "web/basic_auth.hpp"

#include "http/client_network.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/post.hpp>
#include <cmath>
#include <crypt.h>
#include <deque>
#include <list>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <optional>
#include <set>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace lae::web {
namespace {

namespace asio = boost::asio;
using clock_type = std::chrono::steady_clock;

// Checked against when the user is unknown (its cost digits replaced by the highest cost in
// use), so that the answer takes as long either way. No password produces this digest.
constexpr std::string_view dummy_template =
    "$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa";

constexpr std::size_t max_cached = 64; // a few users, a few passwords
// Requests that may wait on one check with the same credentials (the connection cap bounds
// them anyway; this keeps one check's list short).
constexpr std::size_t max_joined = 64;

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
    // SHA-256 of Authorization values that passed -> the user and the hash they passed
    // against: a reload forgets only the entries of users it removed or gave a new hash.
    struct passed {
        std::string user;
        std::string hash;
    };
    std::unordered_map<std::string, passed> verified;
    // True when `user` still has `hash` (a verdict, or a cached entry, against it holds).
    bool current(const std::string& user, const std::string& hash) const {
        const auto found = users.find(user);
        return found != users.end() && found->second == hash;
    }

    // Failure budgets by client key, and the keys from least to most recently used, so that a
    // full table forgets the client not heard of for longest (never the one failing now).
    struct budget {
        double tokens = 0;
        clock_type::time_point updated;
        std::list<std::string>::iterator recency;
        bool failing = false; // a wrong password since the last right one
    };
    std::unordered_map<std::string, budget> budgets;
    std::list<std::string> recency;

    // A check waiting for a worker, or on one.
    struct pending_check {
        completion done;
        // Requests with the same Authorization value that came while it waited: they share
        // its verdict (a client retrying while its first check queues takes no second slot).
        std::vector<completion> joined;
        std::string key;    // the credentials' SHA-256, for the cache
        std::string client; // client_key
        std::string user;
        std::string password;
        std::string hash;
        bool known = false;
    };
    std::unordered_map<std::uint64_t, pending_check> pending;
    // (client, credentials) -> its waiting check: two Prometheus servers with one password
    // each keep their own entry.
    std::unordered_map<std::string, std::uint64_t> pending_by_key;
    static std::string join_key(const std::string& client, const std::string& credentials) {
        return client + '\n' + credentials;
    }
    std::uint64_t next_id = 0;
    // Per client, the ids of its checks not yet given to a worker. The turns name each client
    // with a non-empty queue once, in the order the workers serve them (round robin): first
    // the clients in good standing (no wrong password since their last right one), then the
    // others. A guesser that has failed so waits behind a new Prometheus; a guessing address
    // new to us gets one turn in good standing, as any new client does.
    std::unordered_map<std::string, std::deque<std::uint64_t>> queues;
    std::deque<std::string> turns;         // in good standing
    std::deque<std::string> failing_turns; // failed lately, or not yet judged
    // `busy`: the client has a check on a worker now. Its standing is then not known
    // until that verdict, so it waits with the failing ones: otherwise each of a thousand new
    // guessing addresses would pass ahead of a new Prometheus twice, not once.
    void take_turn(std::string client, bool busy) {
        const auto found = budgets.find(client);
        const bool failing = found != budgets.end() && found->second.failing;
        (failing || busy ? failing_turns : turns).push_back(std::move(client));
    }
    std::unordered_map<std::string, std::size_t> per_client; // queued or running, by client
    std::size_t running = 0;

    budget& budget_of(const std::string& client, clock_type::time_point now) {
        auto found = budgets.find(client);
        if (found == budgets.end()) {
            if (budgets.size() >= settings.max_clients && !recency.empty()) {
                budgets.erase(recency.front());
                recency.pop_front();
            }
            found = budgets
                        .emplace(client, budget{static_cast<double>(settings.failure_burst), now,
                                                recency.insert(recency.end(), client), false})
                        .first;
        } else {
            recency.splice(recency.end(), recency, found->second.recency);
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

    void release(const std::string& client) {
        if (const auto found = per_client.find(client);
            found != per_client.end() && --found->second == 0) {
            per_client.erase(found);
        }
    }

    void complete(std::uint64_t id, bool ok) {
        --running;
        auto node = pending.extract(id);
        if (node.empty()) {
            return; // abandoned
        }
        auto& check = node.mapped();
        if (const auto same = pending_by_key.find(join_key(check.client, check.key));
            same != pending_by_key.end() && same->second == id) {
            pending_by_key.erase(same);
        }
        release(check.client);
        budget_of(check.client, clock_type::now()).failing = !ok;
        if (ok) {
            // A verdict against a hash a reload replaced meanwhile is not remembered.
            if (current(check.user, check.hash)) {
                if (verified.size() >= max_cached) {
                    verified.clear();
                }
                verified.insert_or_assign(check.key, passed{check.user, check.hash});
            }
            // A success costs the client nothing: give back what the check took.
            auto& b = budget_of(check.client, clock_type::now());
            b.tokens = std::min(static_cast<double>(settings.failure_burst), b.tokens + 1);
        }
        const decision answer{ok ? verdict::allowed : verdict::denied, std::chrono::seconds(0)};
        for (auto& also : check.joined) {
            also(answer);
        }
        check.done(answer);
    }
};

basic_auth::basic_auth(asio::any_io_executor loop, std::map<std::string, std::string> users,
                       limits settings)
    : state_(std::make_shared<state>()),
      pool_(settings.workers != 0 ? settings.workers : default_workers()) {
    if (settings.workers == 0) {
        settings.workers = default_workers();
    }
    settings.per_client_queue = std::max<std::size_t>(settings.per_client_queue, 1);
    settings.max_clients = std::max<std::size_t>(settings.max_clients, 1);
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
    state_->queues.clear();
    state_->turns.clear();
    state_->failing_turns.clear();
    state_->per_client.clear();
    state_->pending_by_key.clear();
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
    std::erase_if(state_->verified, [&](const auto& entry) {
        return !state_->current(entry.second.user, entry.second.hash);
    });
    // A request after the reload is judged against the new users: it joins no older check.
    state_->pending_by_key.clear();
}

void basic_auth::check(std::string_view authorization, const asio::ip::address& client,
                       completion done) {
    auto& s = *state_;
    // RFC 7617: the scheme is case-insensitive (Go's net/http matches it so too).
    constexpr std::string_view scheme = "basic ";
    std::string decoded;
    if (authorization.size() <= scheme.size() ||
        !std::equal(scheme.begin(), scheme.end(), authorization.begin(),
                    [](char want, char got) {
                        return want == std::tolower(static_cast<unsigned char>(got));
                    }) ||
        !decode_base64(authorization.substr(scheme.size()), decoded) ||
        decoded.find(':') == std::string::npos ||
        // crypt() would read the password only up to a NUL: refused, as Go refuses it.
        decoded.find('\0') != std::string::npos) {
        done({verdict::denied, std::chrono::seconds(0)}); // nothing to check: no bcrypt spent
        return;
    }
    auto key = sha256(authorization);
    if (s.verified.count(key) != 0U) {
        done({verdict::allowed, std::chrono::seconds(0)});
        return;
    }
    auto who = http::client_key(client);
    // The same client asking again with the same credentials while its check waits (a scrape
    // retried after a timeout) joins that check: one bcrypt, no second queue slot, no 429.
    auto joins = state::join_key(who, key);
    if (const auto same = s.pending_by_key.find(joins); same != s.pending_by_key.end()) {
        const auto check = s.pending.find(same->second);
        if (check != s.pending.end() && check->second.client == who &&
            check->second.joined.size() < max_joined) {
            check->second.joined.push_back(std::move(done));
            return;
        }
    }
    auto& budget = s.budget_of(who, clock_type::now());
    if (budget.tokens < 1.0) {
        const double wait_ms =
            (1.0 - budget.tokens) * static_cast<double>(s.settings.refill.count());
        done({verdict::throttled,
              std::chrono::seconds(static_cast<long>(std::ceil(wait_ms / 1000.0)))});
        return;
    }
    auto& held = s.per_client[who];
    if (held >= s.settings.per_client_queue) {
        done({verdict::throttled, std::chrono::seconds(1)}); // this client's queue is full
        return;
    }
    ++held;
    budget.tokens -= 1.0;

    const auto colon = decoded.find(':');
    const auto found = s.users.find(decoded.substr(0, colon));
    const bool known = found != s.users.end();
    const auto id = s.next_id++;
    auto& queue = s.queues[who];
    if (queue.empty()) {
        s.take_turn(who, held > 1); // held counts this check: more means one is running
    }
    queue.push_back(id);
    s.pending_by_key[std::move(joins)] = id;
    s.pending.emplace(id, state::pending_check{std::move(done),
                                               {},
                                               std::move(key),
                                               std::move(who),
                                               decoded.substr(0, colon),
                                               decoded.substr(colon + 1),
                                               known ? found->second : s.dummy,
                                               known});
    serve_next();
}

void basic_auth::serve_next() {
    auto& s = *state_;
    while (s.running < s.settings.workers && (!s.turns.empty() || !s.failing_turns.empty())) {
        auto& next = s.turns.empty() ? s.failing_turns : s.turns;
        auto who = std::move(next.front());
        next.pop_front();
        auto queue = s.queues.find(who);
        const auto id = queue->second.front();
        queue->second.pop_front();
        if (queue->second.empty()) {
            s.queues.erase(queue);
        } else {
            s.take_turn(std::move(who), true); // its next check waits for the others' turns
        }
        const auto check = s.pending.find(id);
        if (check == s.pending.end()) {
            continue;
        }
        ++s.running;
        // The worker holds only a weak hold on the state, so that the state is only ever
        // destroyed on the loop, and no work count of the loop's: while serving, the waiting
        // request's connection keeps the loop running; at shutdown abandon() lets it end
        // without waiting for bcrypt (a verdict posted after that is destroyed with the loop,
        // unrun).
        asio::post(pool_, [password = std::move(check->second.password), hash = check->second.hash,
                           known = check->second.known, id, weak = std::weak_ptr<state>(state_),
                           loop = s.loop, self = this]() mutable {
            const bool ok = bcrypt_matches(password, hash) && known;
            asio::post(loop, [weak, id, ok, self] {
                if (const auto alive = weak.lock()) {
                    alive->complete(id, ok);
                    self->serve_next();
                }
            });
        });
    }
}

} // namespace lae::web
