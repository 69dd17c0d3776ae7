#include "http/basic_auth.hpp"

#include <array>
#include <crypt.h>
#include <memory>
#include <openssl/crypto.h>
#include <openssl/evp.h>

namespace lae::http {
namespace {

// Checked against when the user is unknown, so that the answer takes as long either way.
constexpr const char* dummy_hash = "$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa";

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

basic_auth::basic_auth(std::map<std::string, std::string> users) : users_(std::move(users)) {}

bool basic_auth::verify(const std::string& user, const std::string& password) const {
    const auto found = users_.find(user);
    const std::string& hash = found == users_.end() ? std::string(dummy_hash) : found->second;
    auto data = std::make_unique<crypt_data>(); // about 32 KiB: not on the stack
    const char* computed = crypt_r(password.c_str(), hash.c_str(), data.get());
    if (computed == nullptr || computed[0] == '*') {
        return false;
    }
    const std::string_view result(computed);
    const bool same =
        result.size() == hash.size() && CRYPTO_memcmp(result.data(), hash.data(), hash.size()) == 0;
    return same && found != users_.end();
}

bool basic_auth::allows(std::string_view authorization) {
    constexpr std::string_view scheme = "Basic ";
    if (authorization.size() <= scheme.size() || authorization.substr(0, scheme.size()) != scheme) {
        return false;
    }
    const auto key = sha256(authorization);
    if (verified_.count(key) != 0U) {
        return true;
    }
    std::string decoded;
    if (!decode_base64(authorization.substr(scheme.size()), decoded)) {
        return false;
    }
    const auto colon = decoded.find(':');
    if (colon == std::string::npos) {
        return false;
    }
    if (!verify(decoded.substr(0, colon), decoded.substr(colon + 1))) {
        return false;
    }
    if (verified_.size() >= 64) {
        verified_.clear(); // bounded: a few users, a few passwords
    }
    verified_.insert(key);
    return true;
}

} // namespace lae::http
