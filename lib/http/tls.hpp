// TLS for the listener: an OpenSSL context built from the web configuration, rebuilt when the
// certificate, key or client CA file changes on disk (so rotation needs no restart).
#pragma once

#include "config/web_config.hpp"

#include <array>
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <sys/stat.h>

namespace lae::http {

class tls_provider {
public:
    explicit tls_provider(config::tls_settings settings) : settings_(std::move(settings)) {}

    // Builds the first context; returns a sentence naming what is wrong, or "".
    std::string load();

    // The context for a new connection: rebuilt first if a file changed since (a failed
    // rebuild is logged and the previous context kept).
    std::shared_ptr<boost::asio::ssl::context> current();

private:
    struct stamp {
        timespec modified{};
        off_t size = 0;
        bool operator==(const stamp& other) const {
            return modified.tv_sec == other.modified.tv_sec &&
                   modified.tv_nsec == other.modified.tv_nsec && size == other.size;
        }
    };
    std::array<stamp, 3> stamps() const;
    std::shared_ptr<boost::asio::ssl::context> build(std::string& error) const;

    config::tls_settings settings_;
    std::shared_ptr<boost::asio::ssl::context> context_;
    std::array<stamp, 3> loaded_{};
};

} // namespace lae::http
