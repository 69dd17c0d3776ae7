// The exposition model: families of samples, built fresh for every scrape and written out by
// one of the exposition writers. Knows nothing of HTTP or netlink.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lae::metrics {

enum class metric_type { gauge, counter };

struct label {
    std::string_view name;
    std::string value;
};

struct sample {
    std::vector<label> labels;
    double value = 0;
};

struct family {
    // For counters, the name without "_total": the writers add the suffix where each format
    // wants it (text 0.0.4: everywhere; OpenMetrics: on samples only).
    std::string_view name;
    metric_type type = metric_type::gauge;
    std::string_view help;
    std::vector<sample> samples;
};

inline family single(std::string_view name, metric_type type, std::string_view help, double value) {
    return family{name, type, help, {sample{{}, value}}};
}

} // namespace lae::metrics
