#include "http/message.hpp"

#include <algorithm>
#include <exception>
#include <string>

namespace lae::http {

response make_response(beast_http::status status, std::string_view content_type, std::string body) {
    response res{status, 11};
    res.set(beast_http::field::content_type, content_type);
    res.body() = std::move(body);
    return res;
}

std::string unsendable_field(std::string_view name, std::string_view value) {
    if (name.size() > max_field_size || value.size() > max_field_size) {
        return "longer than the " + std::to_string(max_field_size) +
               " bytes an HTTP header field may have here (" +
               std::to_string(std::max(name.size(), value.size())) + " bytes)";
    }
    // Whatever else Beast refuses, it refuses here, once, instead of on every answer.
    try {
        response probe;
        probe.set(name, value);
    } catch (const std::exception& e) {
        return std::string("not accepted by the HTTP layer (") + e.what() + ")";
    }
    return {};
}

} // namespace lae::http
