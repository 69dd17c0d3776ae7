// The metrics route: asks the kernel (status and rules, concurrently), then renders every
// family in the format and encoding each scraper asked for. Scrapes that arrive while a batch
// of queries is out join it, and the exposition is rendered once per batch and format.
#pragma once

#include "audit/client.hpp"
#include "http/message.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/record_collector.hpp"

#include <memory>
#include <optional>

namespace lae::handlers {

class metrics_handler {
public:
    metrics_handler(audit::client& kernel, const metrics::process_collector& process,
                    std::optional<unsigned> kernel_hz,
                    const metrics::records_collector* records = nullptr);

    void operator()(const http::request& incoming, const http::responder& respond) const;

private:
    struct state;
    std::shared_ptr<state> state_; // shared by the copies std::function makes
};

} // namespace lae::handlers
