#include "collectors/records.hpp"

namespace lae::collectors {

std::vector<config::flag> records_collector::flags() {
    return {{"collector.records.max-keys", "COLLECTOR_RECORDS_MAX_KEYS", config::collectors_group,
             "most distinct rule keys the records collector labels; the rest count under "
             "key=\"(other)\" (default 512)",
             config::flag_shape::single, [this](const std::string& value) -> std::string {
                 const auto parsed = config::parse_count(value);
                 if (!parsed || *parsed == 0 || *parsed > 100000) {
                     return "expected a number from 1 to 100000";
                 }
                 max_keys_ = *parsed;
                 return {};
             }}};
}

std::vector<const metrics::descriptor*> records_collector::families() const {
    namespace series = metrics::series;
    return {&series::log_records, &series::log_syscall_events, &series::log_user_results,
            &series::log_subscribed, &series::log_overflows};
}

void records_collector::open(const context& with) {
    stream_ = std::make_unique<metrics::records_collector>(with.executor, max_keys_);
    stream_->open(); // before the drop: a forced receive buffer needs CAP_NET_ADMIN
}

void records_collector::start() {
    stream_->start();
}

void records_collector::stop() {
    stream_->stop();
}

void records_collector::collect(completion done) {
    collected answer;
    stream_->collect(answer.families);
    done(std::move(answer));
}

} // namespace lae::collectors
