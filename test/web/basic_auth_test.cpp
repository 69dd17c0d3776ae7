#define BOOST_TEST_MODULE basic auth
#include "web/basic_auth.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <crypt.h>
#include <optional>
#include <thread>

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

BOOST_AUTO_TEST_CASE(checks_beyond_the_cap_are_throttled_not_queued) {
    basic_auth::limits limits;
    limits.workers = 1;
    limits.max_in_flight = 2;
    checker auth({{"alice", bcrypt("secret", 8)}}, limits);
    int denied = 0;
    int throttled = 0;
    auto waiting = boost::asio::make_work_guard(auth.loop);
    for (int i = 0; i < 6; ++i) {
        const std::string client = "192.0.2." + std::to_string(20 + i);
        auth.auth.check(header("alice:guess"), make_address(client), [&](basic_auth::decision d) {
            (d.outcome == basic_auth::verdict::throttled ? throttled : denied) += 1;
            if (denied + throttled == 6) {
                waiting.reset();
            }
        });
    }
    auth.loop.run();
    BOOST_TEST(denied == 2);
    BOOST_TEST(throttled == 4);
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
