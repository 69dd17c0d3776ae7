#include "handlers/metrics_handler.hpp"

#include "http/gzip.hpp"
#include "logging/logging.hpp"
#include "metrics/audit_collector.hpp"
#include "metrics/exposition.hpp"
#include "metrics/negotiation.hpp"

#include <chrono>
#include <memory>

namespace lae::handlers {
namespace {

using clock = std::chrono::steady_clock;

// One scrape while its two kernel queries are out.
struct scrape {
    http::responder respond;
    metrics::exposition_format format;
    bool gzip;
    clock::time_point started = clock::now();
    metrics::audit_answers answers;
    const metrics::process_collector* process;
    int outstanding = 2;
};

void render(scrape& s) {
    s.answers.scrape_duration_seconds =
        std::chrono::duration<double>(clock::now() - s.started).count();
    std::vector<metrics::family> families;
    families.reserve(32);
    metrics::collect_audit(families, s.answers);
    families.push_back(metrics::build_info_family());
    s.process->collect(families);

    std::string body;
    body.reserve(4096);
    metrics::write(body, s.format, families);
    auto answer =
        http::make_response(http::beast_http::status::ok, metrics::content_type(s.format), {});
    if (s.gzip) {
        if (auto compressed = http::gzip(body); !compressed.empty()) {
            body = std::move(compressed);
            answer.set(http::beast_http::field::content_encoding, "gzip");
        }
    }
    if (logging::enabled(logging::level::debug)) {
        logging::debug(
            std::string("scrape answered: ") +
            (s.format == metrics::exposition_format::openmetrics ? "openmetrics" : "text") +
            (s.gzip ? ", gzip, " : ", identity, ") + std::to_string(body.size()) + " bytes, up " +
            (s.answers.status ? "1" : "0"));
    }
    answer.set(http::beast_http::field::vary, "Accept, Accept-Encoding");
    answer.body() = std::move(body);
    s.respond(std::move(answer));
}

} // namespace

void metrics_handler::operator()(const http::request& incoming,
                                 const http::responder& respond) const {
    auto state = std::make_shared<scrape>(scrape{
        respond,
        metrics::choose_format(incoming[http::beast_http::field::accept]),
        metrics::accepts_gzip(incoming[http::beast_http::field::accept_encoding]),
        clock::now(),
        {},
        process_,
    });
    state->answers.kernel_hz = kernel_hz_;
    auto one_done = [state] {
        if (--state->outstanding == 0) {
            render(*state);
        }
    };
    kernel_->async_get_status([state, one_done](const auto& error, const audit::status& status) {
        if (!error) {
            state->answers.status = status;
        }
        one_done();
    });
    kernel_->async_count_rules([state, one_done](const auto& error, std::uint32_t count) {
        if (!error) {
            state->answers.rule_count = count;
        }
        one_done();
    });
}

} // namespace lae::handlers
