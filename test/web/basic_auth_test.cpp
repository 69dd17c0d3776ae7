#define BOOST_TEST_MODULE basic auth
#include "http/client_network.hpp"
#include "web/basic_auth.hpp"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <crypt.h>
#include <optional>
#include <string>
#include <thread>
#include <vector>

using namespace lae::web;

namespace {

using boost::asio::ip::make_address;

std::string bcrypt(const char* password, unsigned long cost = 4) {
    // Cost 4 (the minimum) keeps the test fast; the check is the same at any cost.
    const char* salt = crypt_gensalt("$2b$", cost, nullptr, 0);
    BOOST_TEST_REQUIRE(salt != nullptr);
    crypt_data data{};
    return crypt_r(password, salt, &data);
}

std::string header(const std::string& user_and_password) {
    static const char* alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out = "Basic ";
    unsigned bits = 0;
    int count = 0;
    for (const char c : user_and_password) {
        bits = (bits << 8U) | static_cast<unsigned char>(c);
        count += 8;
        while (count >= 6) {
            count -= 6;
            out += alphabet[(bits >> static_cast<unsigned>(count)) & 0x3FU];
        }
    }
    if (count > 0) {
        out += alphabet[(bits << static_cast<unsigned>(6 - count)) & 0x3FU];
    }
    while ((out.size() - 6) % 4 != 0) {
        out += '=';
    }
    return out;
}

// Checks on a real event loop, as the server does.
struct checker {
    boost::asio::io_context loop;
    basic_auth auth;
    bool inline_answer = false;
    explicit checker(std::map<std::string, std::string> users, basic_auth::limits limits = {})
        : auth(loop.get_executor(), std::move(users), limits) {}
    basic_auth::decision ask(const std::string& authorization, const char* client = "192.0.2.1") {
        std::optional<basic_auth::decision> answer;
        // A check out on a worker does not keep the loop running (the server's connection
        // does); here a work guard does, until the answer is in.
        auto waiting = boost::asio::make_work_guard(loop);
        auth.check(authorization, make_address(client), [&](basic_auth::decision d) {
            answer = d;
            waiting.reset();
        });
        inline_answer = answer.has_value();
        if (inline_answer) {
            waiting.reset();
        }
        loop.run();
        loop.restart();
        BOOST_TEST_REQUIRE(answer.has_value());
        return *answer;
    }
    bool allows(const std::string& authorization, const char* client = "192.0.2.1") {
        return ask(authorization, client).outcome == basic_auth::verdict::allowed;
    }
};

} // namespace

BOOST_AUTO_TEST_CASE(base64_round_trips) {
    std::string out;
    BOOST_TEST(decode_base64("YWxpY2U6c2VjcmV0", out));
    BOOST_TEST(out == "alice:secret");
    BOOST_TEST(decode_base64("YQ==", out));
    BOOST_TEST(out == "a");
    BOOST_TEST(!decode_base64("no spaces!", out));
}

BOOST_AUTO_TEST_CASE(right_wrong_unknown_and_malformed) {
    checker auth({{"alice", bcrypt("secret")}});
    BOOST_TEST(auth.allows(header("alice:secret")));
    BOOST_TEST(!auth.inline_answer); // bcrypt ran on a worker, the verdict came via the loop
    BOOST_TEST(auth.allows(header("alice:secret"))); // now from the cache
    BOOST_TEST(auth.inline_answer);
    BOOST_TEST(!auth.allows(header("alice:Secret"), "192.0.2.2"));
    BOOST_TEST(!auth.allows(header("alice:"), "192.0.2.3"));
    BOOST_TEST(!auth.allows(header("mallory:secret"), "192.0.2.4"));
    BOOST_TEST(!auth.allows(header("alicesecret")));
    BOOST_TEST(!auth.allows(""));
    BOOST_TEST(!auth.allows("Bearer abc"));
    BOOST_TEST(!auth.allows("Basic ***"));
}

BOOST_AUTO_TEST_CASE(passwords_with_colons) {
    checker auth({{"bob", bcrypt("a:b:c")}});
    BOOST_TEST(auth.allows(header("bob:a:b:c")));
}

BOOST_AUTO_TEST_CASE(a_client_that_keeps_failing_is_throttled_and_its_cached_scrape_still_passes) {
    basic_auth::limits limits;
    limits.failure_burst = 3;
    limits.refill = std::chrono::milliseconds(200);
    checker auth({{"alice", bcrypt("secret")}}, limits);
    BOOST_TEST(auth.allows(header("alice:secret"), "192.0.2.9")); // cached from now on
    for (int i = 0; i < 3; ++i) {
        BOOST_TEST(
            (auth.ask(header("alice:guess"), "192.0.2.9").outcome == basic_auth::verdict::denied));
    }
    const auto throttled = auth.ask(header("alice:guess"), "192.0.2.9");
    BOOST_TEST((throttled.outcome == basic_auth::verdict::throttled));
    BOOST_TEST(throttled.retry_after.count() == 1);
    BOOST_TEST(auth.inline_answer); // no bcrypt spent on it
    BOOST_TEST(auth.allows(header("alice:secret"), "192.0.2.9"));
    // Another address has its own budget.
    BOOST_TEST(
        (auth.ask(header("alice:guess"), "192.0.2.10").outcome == basic_auth::verdict::denied));
    // And the budget comes back with time.
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
    BOOST_TEST(
        (auth.ask(header("alice:guess"), "192.0.2.9").outcome == basic_auth::verdict::denied));
}

BOOST_AUTO_TEST_CASE(checks_beyond_a_clients_queue_are_throttled_not_queued) {
    basic_auth::limits limits;
    limits.workers = 1;
    limits.per_client_queue = 2;
    checker auth({{"alice", bcrypt("secret", 8)}}, limits);
    int denied = 0;
    int throttled = 0;
    auto waiting = boost::asio::make_work_guard(auth.loop);
    for (int i = 0; i < 4; ++i) { // four different guesses: none can join another's check
        auth.auth.check(header("alice:guess" + std::to_string(i)), make_address("192.0.2.20"),
                        [&](basic_auth::decision d) {
                            (d.outcome == basic_auth::verdict::throttled ? throttled : denied) += 1;
                            if (denied + throttled == 4) {
                                waiting.reset();
                            }
                        });
    }
    auth.loop.run();
    BOOST_TEST(denied == 2);
    BOOST_TEST(throttled == 2);
}

// A client that asks again with the same credentials while its first check still waits (a
// scrape retried after its timeout) shares that check's verdict: no second bcrypt, and no 429
// from its full queue while the first one queues behind a flood.
BOOST_AUTO_TEST_CASE(a_retry_with_the_same_credentials_joins_the_waiting_check) {
    basic_auth::limits limits;
    limits.workers = 1;
    limits.per_client_queue = 1;
    checker auth({{"alice", bcrypt("secret", 6)}}, limits);
    int allowed = 0;
    int other = 0;
    auto waiting = boost::asio::make_work_guard(auth.loop);
    // Two clients with the same password (two Prometheus servers), each retrying, interleaved:
    // each joins its own first check (each address keeps its own budget and standing).
    for (int i = 0; i < 3; ++i) {
        for (const char* client : {"192.0.2.21", "192.0.2.22"}) {
            auth.auth.check(header("alice:secret"), make_address(client),
                            [&](basic_auth::decision d) {
                                (d.outcome == basic_auth::verdict::allowed ? allowed : other) += 1;
                                if (allowed + other == 6) {
                                    waiting.reset();
                                }
                            });
        }
    }
    auth.loop.run();
    BOOST_TEST(allowed == 6);
    BOOST_TEST(other == 0);
}

// Issue 23.3: guesses from many addresses took every check slot (429 for everyone else);
// now each client waits its turn, and a valid login is served within one round.
BOOST_AUTO_TEST_CASE(a_flood_from_many_addresses_does_not_starve_a_valid_login) {
    basic_auth::limits limits;
    limits.workers = 1;
    checker auth({{"alice", bcrypt("secret", 6)}}, limits);
    constexpr int flooders = 30;
    std::vector<std::string> order; // who got a bcrypt verdict, in order
    std::optional<basic_auth::decision> valid;
    auto waiting = boost::asio::make_work_guard(auth.loop);
    int answered = 0;
    const int expected = flooders * 2 + 1;
    const auto count = [&] {
        if (++answered == expected) {
            waiting.reset();
        }
    };
    for (int i = 0; i < flooders; ++i) {
        for (int j = 0; j < 2; ++j) { // each flooder fills its own queue
            const std::string client = "198.51.100." + std::to_string(i + 1);
            auth.auth.check(header("alice:guess" + std::to_string(j)), make_address(client),
                            [&, client](basic_auth::decision d) {
                                if (d.outcome == basic_auth::verdict::denied) {
                                    order.push_back(client);
                                }
                                count();
                            });
        }
    }
    auth.auth.check(header("alice:secret"), make_address("192.0.2.77"),
                    [&](basic_auth::decision d) {
                        valid = d;
                        order.push_back("valid");
                        count();
                    });
    auth.loop.run();
    BOOST_TEST_REQUIRE(valid.has_value());
    BOOST_TEST((valid->outcome == basic_auth::verdict::allowed));
    // At most one round: the check already on the worker, one from every flooder, then the
    // valid one (first come, first served would put it after all 60).
    const auto position = std::find(order.begin(), order.end(), "valid") - order.begin();
    BOOST_TEST(position <= flooders + 1);
    BOOST_TEST(order.size() == static_cast<std::size_t>(expected)); // nobody got 429
}

BOOST_AUTO_TEST_CASE(clients_that_failed_lately_wait_behind_the_others) {
    basic_auth::limits limits;
    limits.workers = 1;
    checker auth({{"alice", bcrypt("secret", 6)}}, limits);
    constexpr int guessers = 10;
    for (int i = 0; i < guessers; ++i) { // each has failed once
        BOOST_TEST(
            (auth.ask(header("alice:guess"), ("198.51.100." + std::to_string(i)).c_str()).outcome ==
             basic_auth::verdict::denied));
    }
    std::vector<std::string> order;
    auto waiting = boost::asio::make_work_guard(auth.loop);
    const auto note = [&](std::string who) {
        order.push_back(std::move(who));
        if (order.size() == guessers + 1) {
            waiting.reset();
        }
    };
    for (int i = 0; i < guessers; ++i) {
        auth.auth.check(header("alice:guess"), make_address("198.51.100." + std::to_string(i)),
                        [&](basic_auth::decision) { note("guesser"); });
    }
    auth.auth.check(header("alice:secret"), make_address("192.0.2.78"),
                    [&](basic_auth::decision d) {
                        BOOST_TEST((d.outcome == basic_auth::verdict::allowed));
                        note("valid");
                    });
    auth.loop.run();
    // The first guesser's check was on the worker already; the valid one comes next.
    const auto position = std::find(order.begin(), order.end(), "valid") - order.begin();
    BOOST_TEST(position <= 1);
}

BOOST_AUTO_TEST_CASE(the_scheme_is_case_insensitive) {
    checker auth({{"alice", bcrypt("secret")}});
    const auto credentials = header("alice:secret").substr(6);
    BOOST_TEST(auth.allows("basic " + credentials, "192.0.2.50"));
    BOOST_TEST(auth.allows("BASIC " + credentials, "192.0.2.51"));
    BOOST_TEST(auth.allows("bAsIc " + credentials, "192.0.2.52"));
    BOOST_TEST(!auth.allows("Basik " + credentials, "192.0.2.53"));
}

BOOST_AUTO_TEST_CASE(credentials_with_nul_are_refused) {
    using namespace std::string_literals;
    checker auth({{"alice", bcrypt("pw")}});
    BOOST_TEST(auth.allows(header("alice:pw"), "192.0.2.60"));
    // crypt() stops at the NUL: without the check this would pass as "pw".
    BOOST_TEST(!auth.allows(header("alice:pw\0garbage"s), "192.0.2.61"));
    BOOST_TEST(auth.inline_answer); // refused before any bcrypt
    BOOST_TEST(!auth.allows(header("ali\0ce:pw"s), "192.0.2.62"));
}

BOOST_AUTO_TEST_CASE(ipv6_budgets_go_by_the_64_and_v4_mapped_by_the_v4_address) {
    BOOST_TEST(lae::http::client_key(make_address("2001:db8:1:2:aaaa::1")) == "2001:db8:1:2::/64");
    BOOST_TEST(lae::http::client_key(make_address("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64");
    BOOST_TEST(lae::http::client_key(make_address("::ffff:192.0.2.1")) == "192.0.2.1");
    BOOST_TEST(lae::http::client_key(make_address("192.0.2.1")) == "192.0.2.1");
    basic_auth::limits limits;
    limits.failure_burst = 1;
    limits.refill = std::chrono::hours(1);
    checker auth({{"alice", bcrypt("secret")}}, limits);
    BOOST_TEST((auth.ask(header("alice:guess"), "2001:db8:1:2::1").outcome ==
                basic_auth::verdict::denied));
    // Another address of the same /64 shares the spent budget.
    BOOST_TEST((auth.ask(header("alice:guess"), "2001:db8:1:2::2").outcome ==
                basic_auth::verdict::throttled));
    BOOST_TEST((auth.ask(header("alice:guess"), "2001:db8:1:3::1").outcome ==
                basic_auth::verdict::denied));
}

// Issue 23.7: a full table of failing clients was cleared whole, which gave the attacker
// failing now its budget back; now the client not heard of for longest is forgotten.
BOOST_AUTO_TEST_CASE(a_full_budget_table_forgets_the_oldest_not_everybody) {
    basic_auth::limits limits;
    limits.failure_burst = 1;
    limits.refill = std::chrono::hours(1);
    limits.max_clients = 8;
    checker auth({{"alice", bcrypt("secret")}}, limits);
    for (int i = 0; i < 7; ++i) {
        auth.ask(header("alice:guess"), ("192.0.2." + std::to_string(100 + i)).c_str());
    }
    const char* attacker = "203.0.113.1";
    BOOST_TEST((auth.ask(header("alice:guess"), attacker).outcome == basic_auth::verdict::denied));
    BOOST_TEST(
        (auth.ask(header("alice:guess"), attacker).outcome == basic_auth::verdict::throttled));
    // The table is full: a new client pushes out the oldest, not the attacker.
    BOOST_TEST(
        (auth.ask(header("alice:guess"), "198.51.100.200").outcome == basic_auth::verdict::denied));
    BOOST_TEST(
        (auth.ask(header("alice:guess"), attacker).outcome == basic_auth::verdict::throttled));
    // The oldest was forgotten: it has a fresh budget.
    BOOST_TEST(
        (auth.ask(header("alice:guess"), "192.0.2.100").outcome == basic_auth::verdict::denied));
}

BOOST_AUTO_TEST_CASE(abandoned_checks_are_dropped_and_let_the_loop_end) {
    basic_auth::limits limits;
    limits.workers = 1;
    checker auth({{"alice", bcrypt("secret", 12)}}, limits);
    bool called = false;
    auth.auth.check(header("alice:guess"), make_address("192.0.2.40"),
                    [&](basic_auth::decision) { called = true; });
    auth.auth.abandon();
    // Nothing holds the loop: run() returns without waiting for the worker's verdict (it would
    // have run that handler), and the request's callback is never called.
    BOOST_TEST(auth.loop.run() == 0U);
    BOOST_TEST(!called);
}

BOOST_AUTO_TEST_CASE(the_unknown_user_hash_has_the_highest_cost_in_use) {
    BOOST_TEST(bcrypt_cost("$2y$12$abcdefghijklmnopqrstuv") == 12U);
    BOOST_TEST(bcrypt_cost("$2b$04$x") == 4U);
    BOOST_TEST(bcrypt_cost("plain") == 0U);
    BOOST_TEST(bcrypt_cost(dummy_hash({})) == 10U);
    BOOST_TEST(bcrypt_cost(dummy_hash({{"a", bcrypt("x", 5)}, {"b", bcrypt("y", 6)}})) == 6U);
    const auto dummy = dummy_hash({{"a", bcrypt("x", 4)}});
    BOOST_TEST(bcrypt_cost(dummy) == 4U);
    BOOST_TEST(dummy.size() == 60U);
    // It is a hash crypt accepts (so it costs the same work), and nothing matches it.
    crypt_data data{};
    const char* computed = crypt_r("", dummy.c_str(), &data);
    BOOST_TEST_REQUIRE(computed != nullptr);
    BOOST_TEST(computed[0] != '*');
    BOOST_TEST(std::string(computed) != dummy);
}

BOOST_AUTO_TEST_CASE(reload_replaces_users_and_forgets_cached_credentials) {
    checker auth({{"alice", bcrypt("secret")}});
    BOOST_TEST(auth.allows(header("alice:secret")));
    auth.auth.reload({{"bob", bcrypt("other")}});
    BOOST_TEST(!auth.allows(header("alice:secret"), "192.0.2.30"));
    BOOST_TEST(auth.allows(header("bob:other"), "192.0.2.31"));
}

// Issue 23 (the fault table's certificate rotation): a reload forgot every remembered
// credential, so remembered scrapers went back to bcrypt, and to 429 during a flood.
BOOST_AUTO_TEST_CASE(reload_keeps_the_cached_credentials_of_unchanged_users) {
    const auto alice = bcrypt("secret");
    checker auth({{"alice", alice}, {"carol", bcrypt("third")}});
    BOOST_TEST(auth.allows(header("alice:secret")));
    BOOST_TEST(auth.allows(header("carol:third")));
    auth.auth.reload({{"alice", alice}, {"carol", bcrypt("changed")}, {"bob", bcrypt("other")}});
    BOOST_TEST(auth.allows(header("alice:secret")));
    BOOST_TEST(auth.inline_answer);                                // still remembered: no bcrypt
    BOOST_TEST(!auth.allows(header("carol:third"), "192.0.2.32")); // a new hash: forgotten
    BOOST_TEST(!auth.inline_answer);
    BOOST_TEST(auth.allows(header("carol:changed"), "192.0.2.33"));
    auth.auth.reload({{"carol", bcrypt("changed")}});
    BOOST_TEST(!auth.allows(header("alice:secret"), "192.0.2.34")); // removed: forgotten
}
