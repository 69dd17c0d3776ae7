#include "scrape/scraper.hpp"

#include "core/guarded_call.hpp"
#include "logging/logging.hpp"
#include "metrics/catalogue.hpp"

#include <algorithm>
#include <chrono>
#include <optional>

namespace lae::scrape {
namespace {

using clock_type = std::chrono::steady_clock;

// One round of collection and everyone waiting for it.
struct batch {
    explicit batch(std::size_t collectors) : answers(collectors), seconds(collectors) {}
    clock_type::time_point started = clock_type::now();
    std::vector<std::optional<collectors::collected>> answers; // one slot per collector
    std::vector<double> seconds;
    std::vector<scraper::handler> waiters;

    bool complete() const {
        return std::all_of(answers.begin(), answers.end(),
                           [](const auto& answer) { return answer.has_value(); });
    }
};

} // namespace

struct scraper::state {
    std::vector<collectors::collector*> collectors;
    std::shared_ptr<batch> current;
    std::uint64_t batches = 0;
    doubling_throttle collect_bugs; // collectors whose collect() threw

    void start(const std::shared_ptr<state>& self);
    void finish(const std::shared_ptr<batch>& done);
};

scraper::scraper(std::vector<collectors::collector*> collectors)
    : state_(std::make_shared<state>(state{std::move(collectors), nullptr, 0, {}})) {}

void scraper::async_scrape(handler done) {
    if (state_->current) {
        state_->current->waiters.push_back(std::move(done));
        return;
    }
    state_->current = std::make_shared<batch>(state_->collectors.size());
    state_->current->waiters.push_back(std::move(done));
    state_->start(state_);
}

void scraper::state::start(const std::shared_ptr<state>& self) {
    // Held here too: a synchronous last collector finishes the batch inside collect().
    const auto round = current;
    for (std::size_t i = 0; i < collectors.size(); ++i) {
        const auto asked = clock_type::now();
        const auto answered = [self, round, i, asked](collectors::collected answer) {
            if (round->answers[i]) {
                return; // a second answer from one collector: the first counts
            }
            round->seconds[i] = std::chrono::duration<double>(clock_type::now() - asked).count();
            round->answers[i] = std::move(answer);
            if (round->complete()) {
                self->finish(round);
            }
        };
        // A collector that throws fails its part of this scrape, not every later one: the
        // batch it belongs to must still finish, or each scrape after would wait on it.
        if (const auto thrown = exception_from([&] { collectors[i]->collect(answered); })) {
            if (const auto count = collect_bugs.admit()) {
                logging::error(
                    bug_report("the " + std::string(collectors[i]->name()) + " collector", *thrown,
                               "its series are missing from this scrape and its "
                               "collector_success is 0 (" +
                                   std::to_string(*count) + " so far)"));
            }
            answered(collectors::collected{false, {}});
        }
    }
    if (collectors.empty()) {
        finish(round);
    }
}

void scraper::state::finish(const std::shared_ptr<batch>& done) {
    // Taken out first: a waiter may start the next scrape at once.
    current.reset();
    result out;
    out.batch = ++batches;
    out.scrapes = done->waiters.size();
    out.families.reserve(40);
    const auto& duration = metrics::series::collector_duration;
    const auto& success = metrics::series::collector_success;
    metrics::family durations{duration.name, duration.type, duration.help, {}};
    metrics::family successes{success.name, success.type, success.help, {}};
    for (std::size_t i = 0; i < collectors.size(); ++i) {
        auto& answer = *done->answers[i];
        std::move(answer.families.begin(), answer.families.end(), std::back_inserter(out.families));
        const std::string name(collectors[i]->name());
        durations.samples.push_back({{{"collector", name}}, done->seconds[i]});
        successes.samples.push_back({{{"collector", name}}, answer.success ? 1.0 : 0.0});
    }
    out.families.push_back(metrics::make_family(
        metrics::series::scrape_duration,
        std::chrono::duration<double>(clock_type::now() - done->started).count()));
    out.families.push_back(std::move(durations));
    out.families.push_back(std::move(successes));
    for (const auto& waiter : done->waiters) {
        waiter(out);
    }
}

} // namespace lae::scrape
