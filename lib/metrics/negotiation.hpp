// Which exposition format and encoding a scraper asked for, from its Accept headers.
#pragma once

#include "metrics/exposition.hpp"

#include <string_view>

namespace lae::metrics {

// OpenMetrics 1.0.0 when the client asks for application/openmetrics-text (version 1.0.0,
// 0.0.1 or none) at least as strongly as for text; text 0.0.4 otherwise, also when the client
// accepts neither (as the Prometheus client libraries do).
exposition_format choose_format(std::string_view accept);

// True when Accept-Encoding allows gzip (named with q > 0, or "*" with q > 0 and gzip not
// refused).
bool accepts_gzip(std::string_view accept_encoding);

} // namespace lae::metrics
