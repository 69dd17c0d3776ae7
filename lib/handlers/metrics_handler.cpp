#include "handlers/metrics_handler.hpp"

#include "http/gzip.hpp"
#include "logging/logging.hpp"
#include "metrics/audit_collector.hpp"
#include "metrics/exposition.hpp"
#include "metrics/negotiation.hpp"

#include <array>
#include <chrono>
#include <vector>

namespace lae::handlers {
namespace {

using clock_type = std::chrono::steady_clock;

struct waiter {
    http::responder respond;
    metrics::exposition_format format;
    bool gzip;
};

// One round of kernel queries and everyone waiting for it.
struct batch {
    clock_type::time_point started = clock_type::now();
    metrics::audit_answers answers;
    std::vector<waiter> waiters;
    int outstanding = 3; // status, rules and features
};

} // namespace

struct metrics_handler::state {
    audit::client* kernel;
    const metrics::process_collector* process;
    std::optional<unsigned> kernel_hz;
    const metrics::records_collector* records; // null unless --collector.records
    std::chrono::milliseconds rules_min_interval;
    std::optional<batch> current;
    // The last rule list, kept only with --rules.min-interval (a tally: bounded by the key
    // cap, not by the number of rules).
    std::optional<audit::rule_tally> last_rules;
    clock_type::time_point last_rules_at;

    void start_batch(const std::shared_ptr<state>& self);
    void finish_batch();
};

metrics_handler::metrics_handler(audit::client& kernel, const metrics::process_collector& process,
                                 std::optional<unsigned> kernel_hz,
                                 const metrics::records_collector* records,
                                 std::chrono::milliseconds rules_min_interval)
    : state_(std::make_shared<state>(
          state{&kernel, &process, kernel_hz, records, rules_min_interval, std::nullopt, {}, {}})) {
}

void metrics_handler::operator()(const http::request& incoming,
                                 const http::responder& respond) const {
    const bool first = !state_->current;
    if (first) {
        state_->current.emplace();
    }
    state_->current->waiters.push_back(
        {respond, metrics::choose_format(incoming[http::beast_http::field::accept]),
         metrics::accepts_gzip(incoming[http::beast_http::field::accept_encoding])});
    if (first) {
        state_->start_batch(state_);
    }
}

void metrics_handler::state::start_batch(const std::shared_ptr<state>& self) {
    current->answers.kernel_hz = kernel_hz;
    auto one_done = [self] {
        if (--self->current->outstanding == 0) {
            self->finish_batch();
        }
    };
    kernel->async_get_status([self, one_done](const lae::result<audit::status>& status) {
        if (status) {
            self->current->answers.status = *status;
        }
        one_done();
    });
    const auto now = clock_type::now();
    if (rules_min_interval.count() > 0 && last_rules && now - last_rules_at < rules_min_interval) {
        current->answers.rules = *last_rules; // recent enough: the kernel is not asked
        current->answers.rules_age_seconds =
            std::chrono::duration<double>(now - last_rules_at).count();
        --current->outstanding;
    } else {
        kernel->async_list_rules([self, one_done](const lae::result<audit::rule_tally>& rules) {
            if (rules) {
                self->current->answers.rules = *rules;
                if (self->rules_min_interval.count() > 0) {
                    self->last_rules = *rules;
                    self->last_rules_at = clock_type::now();
                    self->current->answers.rules_age_seconds = 0.0;
                }
            } else {
                self->last_rules.reset(); // never an old answer after a failed one
            }
            one_done();
        });
    }
    // A kernel that does not answer this one loses only the feature series.
    kernel->async_get_features([self, one_done](const lae::result<audit::features>& answer) {
        if (answer) {
            self->current->answers.features = *answer;
        }
        one_done();
    });
}

void metrics_handler::state::finish_batch() {
    // Take the batch out first: a responder may run the next scrape's handler at once.
    batch done = std::move(*current);
    current.reset();
    done.answers.scrape_duration_seconds =
        std::chrono::duration<double>(clock_type::now() - done.started).count();

    std::vector<metrics::family> families;
    families.reserve(32);
    metrics::collect_audit(families, done.answers);
    if (records != nullptr) {
        records->collect(families);
    }
    families.push_back(metrics::build_info_family());
    process->collect(families);

    // Each variant (format x encoding) is rendered at most once for the whole batch, and its
    // answers share those bytes (no copy per waiter).
    std::array<std::shared_ptr<const std::string>, 4> bodies;
    std::array<bool, 4> compressed{};
    for (auto& w : done.waiters) {
        const auto index = static_cast<std::size_t>(w.format) * 2 + (w.gzip ? 1U : 0U);
        if (!bodies[index]) {
            std::string body;
            body.reserve(8192);
            metrics::write(body, w.format, families);
            if (w.gzip) {
                if (auto packed = http::gzip(body); !packed.empty()) {
                    body = std::move(packed);
                    compressed[index] = true;
                }
            }
            bodies[index] = std::make_shared<const std::string>(std::move(body));
        }
        http::response answer{http::beast_http::status::ok, 11};
        answer.set(http::beast_http::field::content_type, metrics::content_type(w.format));
        answer.body() = bodies[index];
        if (compressed[index]) {
            answer.set(http::beast_http::field::content_encoding, "gzip");
        }
        answer.set(http::beast_http::field::vary, "Accept, Accept-Encoding");
        w.respond(std::move(answer));
    }
    if (logging::enabled(logging::level::debug)) {
        for (std::size_t i = 0; i < bodies.size(); ++i) {
            if (bodies[i]) {
                logging::debug(std::string("scrape answered: ") +
                               (i / 2 == 1 ? "openmetrics" : "text") +
                               (compressed[i] ? ", gzip, " : ", identity, ") +
                               std::to_string(bodies[i]->size()) + " bytes, up " +
                               (done.answers.status ? "1" : "0") + ", batch of " +
                               std::to_string(done.waiters.size()));
            }
        }
    }
}

} // namespace lae::handlers
