// The web configuration file at work: loads it, serves its TLS context to the listeners,
// stands before every route (rate limit, basic authentication, headers) and re-reads the
// whole file when it or a file it names changes on disk, keeping the last good one when the
// new one is invalid.
#pragma once

#include "config/web_config.hpp"
#include "http/basic_auth.hpp"
#include "http/router.hpp"
#include "http/tls.hpp"

#include <array>
#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>

namespace lae::http {

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

class web_configuration final : public tls_provider, public request_guard {
public:
    using clock = std::chrono::steady_clock;
    // `loop` is the event loop's executor (basic authentication answers there).
    web_configuration(std::string path, boost::asio::any_io_executor loop);

    // The first load; returns a sentence naming what is wrong, or "". Run it with the rights
    // the exporter keeps (after the privilege drop), so that a reload can do what it did.
    std::string load();

    bool tls_on() const { return static_cast<bool>(context_); }
    // "TLS on, basic authentication for 2 user(s), ..." for the start line.
    std::string summary() const;

    std::shared_ptr<boost::asio::ssl::context> current() override;
    std::optional<response> admit(const request& incoming) override;
    std::shared_ptr<basic_auth> credentials() const override {
        return config_.users.empty() ? nullptr : users_;
    }
    void decorate(response& outgoing) const override;

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
    stamps stamps_of(const config::web_config& config) const;
    // Reads and applies the file; false with `error` when it is invalid.
    bool apply(std::string& error, bool first);

    std::string path_;
    boost::asio::any_io_executor loop_;
    config::web_config config_;
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

// The web configuration a start runs with: none when `path` is empty; else the file, loaded
// now (run it after the privilege drop, with the rights every later reload has), or the
// sentence that stops the start.
struct started_web_configuration {
    std::shared_ptr<web_configuration> web;
    std::string problem;
};
started_web_configuration load_web_configuration(const std::string& path,
                                                 boost::asio::any_io_executor loop);

} // namespace lae::http
