// The records collector (off by default): counts every audit record the kernel emits, read
// live from the audit read-log group (metrics/record_counts.hpp counts them), as the
// linux_audit_log_* series. Its flag: --collector.records.max-keys. Needs CAP_AUDIT_READ:
// open() before capabilities are dropped (a forced receive buffer needs CAP_NET_ADMIN),
// start() after.
#pragma once

#include "audit/record_stream.hpp"
#include "collectors/collector.hpp"
#include "metrics/record_counts.hpp"

#include <chrono>
#include <optional>

namespace lae::collectors {

class records_collector final : public collector {
public:
    std::string_view name() const noexcept override { return "records"; }
    bool enabled_by_default() const noexcept override { return false; }
    bool needs_audit_read() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "count every audit record the kernel emits, by type, rule key and login result "
               "(needs CAP_AUDIT_READ too)";
    }
    std::vector<config::flag> flags() override;
    std::vector<const metrics::descriptor*> families() const override;
    void open(const context& with) override;
    void start() override;
    void stop() override;
    void collect(completion done) override;

    std::size_t max_keys() const noexcept { return max_keys_; }

private:
    void log_read_error(const boost::system::error_code& error);

    std::size_t max_keys_ = 512;
    std::optional<metrics::record_counts> counts_; // once open
    std::optional<audit::record_stream> stream_;   // once open; feeds counts_
    metrics::log_throttle read_errors_{std::chrono::minutes(10)};
    bool opened_ = false;
    bool subscribed_ = false;
};

} // namespace lae::collectors
