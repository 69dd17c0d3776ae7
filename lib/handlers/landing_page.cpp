#include "handlers/landing_page.hpp"

#include "lae/version.hpp"

namespace lae::handlers {
namespace {

std::string escape_html(std::string_view text) {
    std::string out;
    for (const char c : text) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += "&#39;";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

landing_page::landing_page(const std::string& metrics_path, const std::string& health_path) {
    const auto metrics = escape_html(metrics_path);
    const auto health = escape_html(health_path);
    html_ = std::string("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\">"
                        "<title>Linux audit exporter</title></head>\n<body>\n"
                        "<h1>Linux audit exporter</h1>\n<p>Version ") +
            escape_html(version) + " (revision " + escape_html(revision) +
            "). Exports the status of the Linux kernel audit subsystem for Prometheus.</p>\n"
            "<ul>\n<li><a href=\"" +
            metrics + "\">Metrics</a> (" + metrics + ")</li>\n<li><a href=\"" + health +
            "\">Health</a> (" + health + ")</li>\n</ul>\n</body>\n</html>\n";
}

void landing_page::operator()(const http::request& /*incoming*/,
                              const http::responder& respond) const {
    respond(http::make_response(http::beast_http::status::ok, "text/html; charset=utf-8", html_));
}

} // namespace lae::handlers
