// The process collector: the standard process_* series every Prometheus client library
// exports, read from /proc (metrics/process_stats.hpp reads them).
#pragma once

#include "collectors/collector.hpp"
#include "metrics/process_stats.hpp"

namespace lae::collectors {

class process_collector final : public collector {
public:
    std::string_view name() const noexcept override { return "process"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "the exporter's own process_* series (CPU, memory, file descriptors)";
    }
    std::vector<const metrics::descriptor*> families() const override {
        namespace series = metrics::series;
        return {&series::process_cpu,
                &series::process_resident_memory,
                &series::process_virtual_memory,
                &series::process_start_time,
                &series::process_open_fds,
                &series::process_max_fds};
    }
    void collect(completion done) override {
        collected answer;
        reader_.collect(answer.families);
        done(std::move(answer));
    }

private:
    metrics::process_stats reader_;
};

} // namespace lae::collectors
