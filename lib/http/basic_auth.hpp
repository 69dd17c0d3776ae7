// HTTP basic authentication against bcrypt hashes (the web configuration's basic_auth_users).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <unordered_set>

namespace lae::http {

class basic_auth {
public:
    explicit basic_auth(std::map<std::string, std::string> users);

    // True when the Authorization header names a known user with the right password. A bcrypt
    // check costs tens of milliseconds, so credentials that passed are remembered (by hash).
    bool allows(std::string_view authorization);

    static constexpr std::string_view challenge = "Basic realm=\"linux-audit-exporter\"";

private:
    bool verify(const std::string& user, const std::string& password) const;

    std::map<std::string, std::string> users_;
    std::unordered_set<std::string> verified_; // SHA-256 of Authorization values that passed
};

// Decodes standard base64; nullopt-like empty result plus false on malformed input.
bool decode_base64(std::string_view text, std::string& out);

} // namespace lae::http
