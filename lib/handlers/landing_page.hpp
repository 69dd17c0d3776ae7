// The page at "/": what this is, its version, and links to the configured paths.
#pragma once

#include "http/message.hpp"

#include <string>

namespace lae::handlers {

class landing_page {
public:
    landing_page(const std::string& metrics_path, const std::string& health_path);
    void operator()(const http::request& incoming, const http::responder& respond) const;
    const std::string& html() const { return html_; }

private:
    std::string html_; // built once at start
};

} // namespace lae::handlers
