// The request and response types every handler speaks, and how a handler answers.
#pragma once

#include "http/shared_body.hpp"

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace lae::http {

namespace beast_http = boost::beast::http;

using request = beast_http::request<beast_http::string_body>;
// Bodies are shared, so that scrapes answered together hold one rendered exposition.
using response = beast_http::response<shared_body>;

// Called exactly once with the response; may be called later, from the event loop.
using responder = std::function<void(response)>;

// A route's handler: answers a GET (the session turns it into a HEAD answer when needed).
using handler = std::function<void(const request&, responder)>;

response make_response(beast_http::status status, std::string_view content_type, std::string body);

// Beast keeps a field's name and value lengths in 16 bits, two bytes of which are its own.
inline constexpr std::size_t max_field_size = 65533;

// Why this header field cannot go on an answer (Beast would throw when the answer is made, so
// every answer would fail), or an empty string when it can. For configuration that sets
// headers: judge it when it is read, not on every request.
std::string unsendable_field(std::string_view name, std::string_view value);

} // namespace lae::http
