// The health route: healthy only if the kernel answers a status query now.
#pragma once

#include "audit/client.hpp"
#include "http/message.hpp"

namespace lae::handlers {

class health_handler {
public:
    explicit health_handler(audit::client& kernel) : kernel_(&kernel) {}
    void operator()(const http::request& incoming, const http::responder& respond) const;

private:
    audit::client* kernel_;
};

// {"status":"unhealthy","error":"..."} with the text escaped for JSON.
std::string unhealthy_body(std::string_view why);

} // namespace lae::handlers
