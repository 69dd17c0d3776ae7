#include "handlers/metrics_handler.hpp"

#include "http/gzip.hpp"
#include "logging/logging.hpp"
#include "metrics/exposition.hpp"

namespace lae::handlers {

http::response exposition_cache::answer(const scrape::result& scraped,
                                        metrics::exposition_format format, bool gzip) {
    if (scraped.batch != batch_) {
        batch_ = scraped.batch;
        bodies_ = {};
        compressed_ = {};
    }
    const auto index = static_cast<std::size_t>(format) * 2 + (gzip ? 1U : 0U);
    if (!bodies_[index]) {
        std::string body;
        body.reserve(8192);
        metrics::write(body, format, scraped.families);
        if (gzip) {
            if (auto packed = http::gzip(body); !packed.empty()) {
                body = std::move(packed);
                compressed_[index] = true;
            }
        }
        bodies_[index] = std::make_shared<const std::string>(std::move(body));
        if (logging::enabled(logging::level::debug)) {
            logging::debug(
                std::string("scrape answered: ") +
                (format == metrics::exposition_format::openmetrics ? "openmetrics" : "text") +
                (compressed_[index] ? ", gzip, " : ", identity, ") +
                std::to_string(bodies_[index]->size()) + " bytes, batch of " +
                std::to_string(scraped.scrapes));
        }
    }
    http::response answer{http::beast_http::status::ok, 11};
    answer.set(http::beast_http::field::content_type, metrics::content_type(format));
    answer.body() = bodies_[index];
    if (compressed_[index]) {
        answer.set(http::beast_http::field::content_encoding, "gzip");
    }
    answer.set(http::beast_http::field::vary, "Accept, Accept-Encoding");
    return answer;
}

metrics_handler::metrics_handler(scrape::scraper& scraper)
    : scraper_(&scraper), cache_(std::make_shared<exposition_cache>()) {}

void metrics_handler::operator()(const http::request& incoming,
                                 const http::responder& respond) const {
    const auto format = metrics::choose_format(incoming[http::beast_http::field::accept]);
    const bool gzip = metrics::accepts_gzip(incoming[http::beast_http::field::accept_encoding]);
    scraper_->async_scrape([cache = cache_, respond, format, gzip](const scrape::result& scraped) {
        respond(cache->answer(scraped, format, gzip));
    });
}

} // namespace lae::handlers
