// The metrics route: asks the kernel (status and rules, concurrently), then renders every
// family in the format and encoding the scraper asked for.
#pragma once

#include "audit/client.hpp"
#include "http/message.hpp"
#include "metrics/process_collector.hpp"

#include <optional>

namespace lae::handlers {

class metrics_handler {
public:
    metrics_handler(audit::client& kernel, const metrics::process_collector& process,
                    std::optional<unsigned> kernel_hz)
        : kernel_(&kernel), process_(&process), kernel_hz_(kernel_hz) {}

    void operator()(const http::request& incoming, const http::responder& respond) const;

private:
    audit::client* kernel_;
    const metrics::process_collector* process_;
    std::optional<unsigned> kernel_hz_;
};

} // namespace lae::handlers
