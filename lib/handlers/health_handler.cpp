#include "handlers/health_handler.hpp"

#include "text/json.hpp"

namespace lae::handlers {

std::string unhealthy_body(std::string_view why) {
    std::string body = R"({"status":"unhealthy","error":)";
    text::append_json_string(body, why);
    body += "}\n";
    return body;
}

void health_handler::operator()(const http::request& /*incoming*/,
                                const http::responder& respond) const {
    kernel_->async_get_status([respond](const lae::result<audit::status>& answer) {
        if (!answer) {
            respond(http::make_response(http::beast_http::status::service_unavailable,
                                        "application/json", unhealthy_body(answer.error().what)));
        } else {
            respond(http::make_response(http::beast_http::status::ok, "application/json",
                                        "{\"status\":\"healthy\"}\n"));
        }
    });
}

} // namespace lae::handlers
