// The exporter-toolkit web configuration (--web.config.file), in one room as the toolkit's
// own web/ package keeps it:
//   web_config.hpp       what the file says: parsing and judging it as the toolkit does
//   tls.hpp              the TLS server context its tls_server_config makes
//   basic_auth.hpp       its basic_auth_users: bcrypt checks off the event loop
//   live_web_config.hpp  (this file) the file at work: loaded, reloaded, serving
// The file is called web_config_file from the flag to the TLS context.
//
// Layering: web/ sits above http/. The HTTP layer defines what it asks (http::tls_provider,
// http::request_guard, http::credential_check) and knows nothing of YAML, bcrypt or
// certificates; this folder implements those questions. Nothing in http/ includes web/.
//
// live_web_config loads the file, serves its TLS context to the listeners, stands before
// every route (rate limit, basic authentication, headers) and re-reads the whole file when it
// or a file it names changes on disk, keeping the last good one when the new one is invalid.
#pragma once

#include "core/result.hpp"
#include "http/router.hpp"
#include "http/tls_provider.hpp"
#include "web/basic_auth.hpp"
#include "web/tls.hpp"
#include "web/web_config.hpp"

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace lae::web {

// The toolkit's rate limit: a bucket of `burst` tokens, one more every `interval`, one taken
// per request, shared by all clients.
class token_bucket {
public:
    using clock = std::chrono::steady_clock;
    token_bucket(std::chrono::nanoseconds interval, unsigned burst, clock::time_point now);
    // True when a token was there (and is now taken); else `retry_after` says when one will be.
    bool take(clock::time_point now, std::chrono::seconds& retry_after);

private:
    std::chrono::nanoseconds interval_;
    double burst_;
    double tokens_;
    clock::time_point updated_;
};

class live_web_config final : public http::tls_provider, public http::request_guard {
public:
    using clock = std::chrono::steady_clock;
    // `loop` is the event loop's executor (basic authentication answers there).
    live_web_config(std::string web_config_file, boost::asio::any_io_executor loop);

    // The first load; a failure names what is wrong. Run it with the rights the exporter
    // keeps (after the privilege drop), so that a reload can do what it did.
    result<void> load();

    bool tls_on() const { return static_cast<bool>(context_); }
    // "TLS on, basic authentication for 2 user(s), ..." for the start line.
    std::string summary() const;

    std::shared_ptr<boost::asio::ssl::context> current() override;
    std::optional<http::response> admit(const http::request& incoming) override;
    std::shared_ptr<http::credential_check> credentials() const override {
        if (config_.users.empty()) {
            return nullptr;
        }
        return users_;
    }
    void decorate(http::response& outgoing) const override;

    // At shutdown: drops the requests still waiting for a password check (see basic_auth).
    void abandon_checks() {
        if (users_) {
            users_->abandon();
        }
    }

    // Looks for changes at most once a second (and retries a failed reload at most every
    // ten seconds); takes a change once the files have not been written for a second;
    // called on every connection and request.
    void refresh(clock::time_point now);

private:
    struct stamp {
        timespec modified{};
        off_t size = 0;
        ino_t inode = 0;
        bool operator==(const stamp& other) const {
            return modified.tv_sec == other.modified.tv_sec &&
                   modified.tv_nsec == other.modified.tv_nsec && size == other.size &&
                   inode == other.inode;
        }
    };
    using stamps = std::array<stamp, 4>;
    stamps stamps_of(const web_config& config) const;
    // Reads and applies the file; a failure when it is invalid.
    result<void> apply(bool first);
    // A failure when `next` would drop a protection the running configuration has.
    result<void> weakens(const web_config& next, bool next_tls) const;

    std::string web_config_file_;
    boost::asio::any_io_executor loop_;
    web_config config_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    std::shared_ptr<refusal_log> refusals_ = std::make_shared<refusal_log>();
    std::shared_ptr<basic_auth> users_;
    std::optional<token_bucket> bucket_;
    stamps loaded_{};
    clock::time_point checked_{};
    bool failing_ = false;
    clock::time_point failed_at_{};
    std::string last_error_;
    clock::time_point error_logged_{};
};

// The web configuration a start runs with: nullptr when `web_config_file` is empty; else the
// file, loaded now (run it after the privilege drop, with the rights every later reload has),
// or the failure that stops the start.
result<std::shared_ptr<live_web_config>> start_web_config(const std::string& web_config_file,
                                                          boost::asio::any_io_executor loop);

} // namespace lae::web
