// The metrics route: content negotiation, rendering each variant (format x encoding) once per
// scrape batch, gzip. What to render comes from the scrape (lib/scrape), which batches the
// scrapes that arrive together and asks the collectors.
#pragma once

#include "http/message.hpp"
#include "metrics/negotiation.hpp"
#include "scrape/scraper.hpp"

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace lae::handlers {

// The bodies of one batch, rendered on first use and shared by every answer of that batch (no
// copy per scrape). Needs no kernel: a test feeds it a scrape::result.
class exposition_cache {
public:
    http::response answer(const scrape::result& scraped, metrics::exposition_format format,
                          bool gzip);

private:
    std::uint64_t batch_ = 0;
    std::array<std::shared_ptr<const std::string>, 4> bodies_;
    std::array<bool, 4> compressed_{};
};

class metrics_handler {
public:
    // `scraper` outlives the handler.
    explicit metrics_handler(scrape::scraper& scraper);

    void operator()(const http::request& incoming, const http::responder& respond) const;

private:
    scrape::scraper* scraper_;
    std::shared_ptr<exposition_cache> cache_; // shared by the copies std::function makes
};

} // namespace lae::handlers
