// Every series the exporter can export, written once: the collectors fill values from it and
// the documentation (README table, --help-metrics) is printed from it.
#pragma once

#include "audit/protocol.hpp"
#include "metrics/family.hpp"

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace lae::metrics {

struct descriptor {
    std::string_view name; // for counters without "_total"
    metric_type type;
    std::string_view unit; // for people: "jiffies", "seconds", "records", ...
    std::string_view help;
    std::string_view source;
    std::string_view labels = {}; // for people: "list,action,kind"; empty when none
};

// How a status field becomes a value.
enum class scale { as_is, jiffies_to_seconds };

struct status_series {
    descriptor about;
    std::optional<std::uint32_t> audit::status::*field;
    scale conversion;
};

// The series read straight from struct audit_status, in exposition order.
std::span<const status_series> status_catalogue();

// The other series of linux_audit_* and of the process.
namespace series {
extern const descriptor up;
extern const descriptor rules;
extern const descriptor rules_loaded;
extern const descriptor rules_with_key;
extern const descriptor rules_age;
extern const descriptor feature_enabled;
extern const descriptor feature_locked;
extern const descriptor scrape_duration;
extern const descriptor collector_success;
extern const descriptor collector_duration;
extern const descriptor build_info;
extern const descriptor process_cpu;
extern const descriptor process_resident_memory;
extern const descriptor process_virtual_memory;
extern const descriptor process_start_time;
extern const descriptor process_open_fds;
extern const descriptor process_max_fds;
// The records collector (--collector.records), lib/collectors/records.*
extern const descriptor log_records;
extern const descriptor log_syscall_events;
extern const descriptor log_user_results;
extern const descriptor log_subscribed;
extern const descriptor log_overflows;
} // namespace series

// Every descriptor, in exposition order (status series included); for documentation and
// for the test that no two families share a name.
std::vector<const descriptor*> all_descriptors();

// The whole catalogue as a Markdown table (name, type, unit, meaning, source), for the README.
std::string markdown_table();

inline family make_family(const descriptor& d, double value) {
    return single(d.name, d.type, d.help, value);
}

} // namespace lae::metrics
