#include "web/live_web_config.hpp"

#include "logging/logging.hpp"

#include <algorithm>
#include <cmath>
#include <ctime>
#include <sys/stat.h>
#include <unistd.h>

namespace lae::web {
namespace {

constexpr auto check_every = std::chrono::seconds(1);
constexpr auto retry_every = std::chrono::seconds(10);

constexpr auto settle_time = std::chrono::seconds(1);

// True when one of the files was modified less than settle_time ago (a writer may still be at
// work). A time in the future (a clock set back) does not count, or we would wait forever.
template <typename Stamps> bool written_lately(const Stamps& stamps) {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);
    const auto nanoseconds = [](const timespec& time) {
        return std::chrono::seconds(time.tv_sec) + std::chrono::nanoseconds(time.tv_nsec);
    };
    return std::any_of(stamps.begin(), stamps.end(), [&](const auto& one) {
        const auto age = nanoseconds(now) - nanoseconds(one.modified);
        return age >= std::chrono::nanoseconds(0) && age < settle_time;
    });
}

bool same_rate_limit(const rate_limit_settings& a, const rate_limit_settings& b) {
    return a.interval == b.interval && a.burst == b.burst;
}

} // namespace

token_bucket::token_bucket(std::chrono::nanoseconds interval, unsigned burst, clock::time_point now)
    : interval_(interval), burst_(burst), tokens_(burst), updated_(now) {}

bool token_bucket::take(clock::time_point now, std::chrono::seconds& retry_after) {
    if (now > updated_) {
        const double gained = std::chrono::duration<double>(now - updated_) /
                              std::chrono::duration<double>(interval_);
        tokens_ = std::min(burst_, tokens_ + gained);
        updated_ = now;
    }
    if (tokens_ >= 1.0) {
        tokens_ -= 1.0;
        return true;
    }
    const double wait =
        (1.0 - tokens_) * std::chrono::duration<double>(interval_).count(); // seconds
    retry_after = std::chrono::seconds(std::max<long long>(1, std::llround(std::ceil(wait))));
    return false;
}

live_web_config::live_web_config(std::string web_config_file, boost::asio::any_io_executor loop)
    : web_config_file_(std::move(web_config_file)), loop_(std::move(loop)) {}

live_web_config::stamps live_web_config::stamps_of(const web_config& config) const {
    stamps result{};
    std::array<const std::string*, 4> files = {&web_config_file_, nullptr, nullptr, nullptr};
    if (config.tls) {
        files[1] = &config.tls->cert_file;
        files[2] = &config.tls->key_file;
        files[3] = &config.tls->client_ca_file;
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        struct stat info {};
        if (files[i] != nullptr && !files[i]->empty() && ::stat(files[i]->c_str(), &info) == 0) {
            result[i] = stamp{info.st_mtim, info.st_size, info.st_ino};
        }
    }
    return result;
}

// A reload may tighten the configuration but not drop a protection: a file cut while being
// written (`: > web.yml`, or cut before basic_auth_users) must not open the exporter. Such a
// file is taken only by a restart, which is the operator's word that it is meant.
result<void> live_web_config::weakens(const web_config& next, bool next_tls) const {
    // `what` says what the file would do; the sentence then says how to have it anyway.
    const auto needs_restart = [&](const std::string& what) {
        return fail(web_config_file_ + ": " + what +
                    " needs a restart (a reload keeps the previous configuration)");
    };
    if (next.empty_document) {
        return needs_restart("an empty file (truncated while being written?)");
    }
    if (next_tls != static_cast<bool>(context_)) {
        // The listeners keep the protocol they started with.
        return needs_restart(std::string("turning TLS ") + (next_tls ? "on" : "off"));
    }
    if (!config_.users.empty() && next.users.empty()) {
        return needs_restart("turning basic authentication off (no basic_auth_users)");
    }
    const auto requires_certificate = [](const std::optional<tls_settings>& tls) {
        return tls && (tls->auth == client_auth::require_any ||
                       tls->auth == client_auth::require_and_verify);
    };
    if (requires_certificate(config_.tls) && !requires_certificate(next.tls)) {
        return needs_restart("no longer requiring client certificates (client_auth_type)");
    }
    return {};
}

result<void> live_web_config::apply(bool first) {
    // The file's stamp is taken before the file is read: a write that ends while we read it
    // then shows as a change at the next look, instead of leaving us with its first half.
    const auto file_stamp = stamps_of(web_config{})[0];
    auto loaded = load_web_config(web_config_file_);
    if (!loaded) {
        return loaded.error();
    }
    auto& next = *loaded;
    // Read before the files, so that a change while we read them is seen next time.
    auto next_stamps = stamps_of(next);
    next_stamps[0] = file_stamp;
    std::shared_ptr<boost::asio::ssl::context> context;
    if (next.tls) {
        auto made = make_tls_context(*next.tls, refusals_);
        if (!made) {
            return fail(web_config_file_ + ": " + made.error().what);
        }
        context = std::move(*made);
    }
    if (!first) {
        if (auto weaker = weakens(next, static_cast<bool>(context)); !weaker) {
            return weaker;
        }
    }
    // One basic_auth for the whole run (its worker threads and failure budgets stay); new
    // users are handed to it, unchanged ones keep their cache.
    if (!next.users.empty() && !users_) {
        users_ = std::make_shared<basic_auth>(loop_, next.users);
    } else if (users_ && next.users != config_.users) {
        users_->reload(next.users);
    }
    if (next.rate_limit.interval.count() == 0) {
        bucket_.reset();
    } else if (!bucket_ || !same_rate_limit(next.rate_limit, config_.rate_limit)) {
        bucket_.emplace(next.rate_limit.interval, next.rate_limit.burst, clock::now());
    }
    context_ = std::move(context);
    config_ = std::move(next);
    loaded_ = next_stamps;
    return {};
}

result<void> live_web_config::load() {
    if (auto applied = apply(true); !applied) {
        std::string error = applied.error().what;
        if (error.find("Permission denied") != std::string::npos) {
            error += " (the exporter reads its web configuration as user " +
                     std::to_string(::geteuid()) +
                     " without CAP_DAC_OVERRIDE, at start and at every reload: make the files "
                     "readable by that user, e.g. group-readable by its group)";
        }
        return fail(std::move(error));
    }
    checked_ = clock::now();
    for (const auto& key : config_.without_effect) {
        logging::warn("web configuration " + web_config_file_ + ": " + key +
                      " has no effect without a certificate (TLS stays off)");
    }
    if (context_ && config_.http.http2) {
        logging::info("web configuration: http_server_config.http2 is true, but this exporter "
                      "serves HTTP/1.1 only (which every Prometheus speaks)");
    }
    if (bucket_ && config_.rate_limit.burst == 0) {
        logging::warn("web configuration: rate_limit.burst is 0, so every request is refused "
                      "with 429 (as the exporter-toolkit does)");
    }
    return {};
}

std::string live_web_config::summary() const {
    std::string text =
        std::string("TLS ") + (context_ ? "on" : "off") + ", basic authentication " +
        (config_.users.empty() ? std::string("off")
                               : "for " + std::to_string(config_.users.size()) + " user(s)");
    if (config_.tls && config_.tls->allowed_sans) {
        text += ", client certificates limited to " +
                std::to_string(config_.tls->allowed_sans->size()) + " SAN(s)";
    }
    if (!config_.http.headers.empty()) {
        text += ", " + std::to_string(config_.http.headers.size()) + " extra header(s)";
    }
    if (bucket_) {
        text += ", rate limit " + std::to_string(config_.rate_limit.burst) + " burst, one per " +
                std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(
                                   config_.rate_limit.interval)
                                   .count()) +
                " ms";
    }
    return text;
}

void live_web_config::refresh(clock::time_point now) {
    if (now - checked_ < check_every) {
        return;
    }
    checked_ = now;
    const auto on_disk = stamps_of(config_);
    const bool changed = !(on_disk == loaded_);
    const bool retry = failing_ && now - failed_at_ >= retry_every;
    if (!changed && !retry) {
        return;
    }
    // A file written in place passes through states that are valid YAML but not what its
    // writer means (truncated to nothing, or cut before basic_auth_users: no authentication
    // at all). Take a change only once the files have been left alone for a moment.
    if (changed && written_lately(on_disk)) {
        return;
    }
    auto applied = apply(false);
    if (applied) {
        failing_ = false;
        last_error_.clear();
        logging::info("web configuration " + web_config_file_ + " reloaded: " + summary());
        return;
    }
    const std::string& error = applied.error().what;
    failing_ = true;
    failed_at_ = now;
    // The same error again is said once every ten minutes; a new one at once.
    if (error != last_error_ || now - error_logged_ >= std::chrono::minutes(10)) {
        last_error_ = error;
        error_logged_ = now;
        logging::error("web configuration changed but cannot be used (" + error +
                       "); still serving with the previous one, retrying every 10 s");
    }
}

std::shared_ptr<boost::asio::ssl::context> live_web_config::current() {
    refresh(clock::now());
    return context_;
}

// The rate limit comes first, as in the toolkit; the router then checks credentials().
std::optional<http::response> live_web_config::admit(const http::request& /*incoming*/) {
    const auto now = clock::now();
    refresh(now);
    std::chrono::seconds retry_after{};
    if (bucket_ && !bucket_->take(now, retry_after)) {
        auto answer = http::make_response(http::beast_http::status::too_many_requests,
                                          "text/plain; charset=utf-8", "429 too many requests\n");
        answer.set(http::beast_http::field::retry_after, std::to_string(retry_after.count()));
        return answer;
    }
    return std::nullopt;
}

void live_web_config::decorate(http::response& outgoing) const {
    for (const auto& [name, value] : config_.http.headers) {
        outgoing.set(name, value);
    }
}

result<std::shared_ptr<live_web_config>> start_web_config(const std::string& web_config_file,
                                                          boost::asio::any_io_executor loop) {
    if (web_config_file.empty()) {
        return std::shared_ptr<live_web_config>();
    }
    auto web = std::make_shared<live_web_config>(web_config_file, std::move(loop));
    if (auto loaded = web->load(); !loaded) {
        return fail("invalid web configuration: " + loaded.error().what);
    }
    return web;
}

} // namespace lae::web
