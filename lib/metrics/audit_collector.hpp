// Turns one scrape's audit answers into metric families, following the catalogue.
#pragma once

#include "audit/features.hpp"
#include "audit/protocol.hpp"
#include "audit/rules.hpp"
#include "metrics/family.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace lae::metrics {

struct audit_answers {
    std::optional<audit::status> status;     // empty: the status query failed
    std::optional<audit::rule_tally> rules;  // empty: the rules query failed
    std::optional<audit::features> features; // empty: the features query failed
    std::optional<double> rules_age_seconds; // set with --rules.min-interval
    std::optional<unsigned> kernel_hz;       // empty: the jiffy series in seconds are left out
    double scrape_duration_seconds = 0;
};

void collect_audit(std::vector<family>& out, const audit_answers& answers);

// linux_audit_exporter_build_info{version,revision} 1
family build_info_family();

} // namespace lae::metrics
