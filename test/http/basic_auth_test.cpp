#define BOOST_TEST_MODULE basic auth
#include "http/basic_auth.hpp"

#include <boost/test/unit_test.hpp>
#include <crypt.h>

using namespace lae::http;

namespace {

std::string bcrypt(const char* password) {
    // Cost 4 (the minimum) keeps the test fast; the check is the same at any cost.
    const char* salt = crypt_gensalt("$2b$", 4, nullptr, 0);
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
    basic_auth auth({{"alice", bcrypt("secret")}});
    BOOST_TEST(auth.allows(header("alice:secret")));
    BOOST_TEST(auth.allows(header("alice:secret"))); // now from the cache
    BOOST_TEST(!auth.allows(header("alice:Secret")));
    BOOST_TEST(!auth.allows(header("alice:")));
    BOOST_TEST(!auth.allows(header("mallory:secret")));
    BOOST_TEST(!auth.allows(header("alicesecret")));
    BOOST_TEST(!auth.allows(""));
    BOOST_TEST(!auth.allows("Bearer abc"));
    BOOST_TEST(!auth.allows("Basic ***"));
}

BOOST_AUTO_TEST_CASE(passwords_with_colons) {
    basic_auth auth({{"bob", bcrypt("a:b:c")}});
    BOOST_TEST(auth.allows(header("bob:a:b:c")));
}
