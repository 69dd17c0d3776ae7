#include "metrics/catalogue.hpp"

#include <array>
#include <string>

namespace lae::metrics {
namespace {

using audit::status;
constexpr auto gauge = metric_type::gauge;
constexpr auto counter = metric_type::counter;

constexpr std::string_view kernel = "kernel AUDIT_GET (struct audit_status)";

// The first eight keep the Go exporter's names and types, so that dashboards and alerts keep
// working; their help says what they really are. The rest are the correct forms.
constexpr std::array<status_series, 12> status_table = {{
    {{"linux_audit_backlog", gauge, "records",
      "Audit records queued in the kernel now, waiting for the audit daemon to read them.", kernel},
     &status::backlog,
     scale::as_is},
    {{"linux_audit_backlog_limit", gauge, "records",
      "Most audit records the kernel will queue for the audit daemon (auditctl -b); 0 means "
      "no limit. When the queue is full, tasks wait and then records are lost.",
      kernel},
     &status::backlog_limit,
     scale::as_is},
    {{"linux_audit_backlog_wait_time", gauge, "jiffies",
      "How long a task may wait for room in a full backlog, in kernel jiffies (1/CONFIG_HZ "
      "seconds, not milliseconds); see linux_audit_backlog_wait_time_seconds.",
      kernel},
     &status::backlog_wait_time,
     scale::as_is},
    {{"linux_audit_backlog_wait_time_actual", gauge, "jiffies",
      "Total time tasks have waited for room in a full backlog, in kernel jiffies; grows "
      "until reset (a counter, kept a gauge for compatibility); see "
      "linux_audit_backlog_wait_time_actual_seconds_total.",
      kernel},
     &status::backlog_wait_time_actual,
     scale::as_is},
    {{"linux_audit_enabled", gauge, "state",
      "Kernel audit state: 0 disabled, 1 enabled, 2 enabled and locked until reboot.", kernel},
     &status::enabled,
     scale::as_is},
    {{"linux_audit_failure", gauge, "mode",
      "Failure-to-log mode (auditctl -f), what the kernel does when it cannot log a record: "
      "0 silent, 1 printk, 2 panic. A setting, not an error count.",
      kernel},
     &status::failure,
     scale::as_is},
    {{"linux_audit_lost", gauge, "records",
      "Audit records the kernel has lost since boot or the last reset (a counter, kept a "
      "gauge for compatibility); see linux_audit_records_lost_total.",
      kernel},
     &status::lost,
     scale::as_is},
    {{"linux_audit_rate_limit", gauge, "records/second",
      "Most audit records per second the kernel will send (auditctl -r); 0 means no limit.",
      kernel},
     &status::rate_limit,
     scale::as_is},
    {{"linux_audit_daemon_pid", gauge, "pid",
      "PID of the audit daemon registered with the kernel; 0 when none, and records then go "
      "to the kernel log, where they are easily lost.",
      kernel},
     &status::pid,
     scale::as_is},
    // Not "linux_audit_lost": in OpenMetrics that counter's family would clash with the gauge.
    {{"linux_audit_records_lost", counter, "records",
      "Audit records the kernel has lost to the rate limit, a full backlog or lack of memory; "
      "reset by auditctl --reset-lost, wraps at 2^32.",
      kernel},
     &status::lost,
     scale::as_is},
    {{"linux_audit_backlog_wait_time_seconds", gauge, "seconds",
      "How long a task may wait for room in a full backlog before its record is lost.",
      "kernel AUDIT_GET, jiffies / CONFIG_HZ; left out when CONFIG_HZ is unknown"},
     &status::backlog_wait_time,
     scale::jiffies_to_seconds},
    {{"linux_audit_backlog_wait_time_actual_seconds", counter, "seconds",
      "Total time tasks have waited for room in a full audit backlog; reset by auditctl "
      "--reset_backlog_wait_time_actual.",
      "kernel AUDIT_GET, jiffies / CONFIG_HZ; left out when CONFIG_HZ is unknown"},
     &status::backlog_wait_time_actual,
     scale::jiffies_to_seconds},
}};

} // namespace

std::span<const status_series> status_catalogue() {
    return status_table;
}

namespace series {
const descriptor up{"linux_audit_up", gauge, "boolean",
                    "1 when the kernel answered this scrape's audit status query, 0 when not "
                    "(the log says why); the other linux_audit_ status series are then absent.",
                    "the AUDIT_GET query's outcome"};
const descriptor rules{"linux_audit_rules", gauge, "rules",
                       "Audit rules loaded in the kernel (auditctl -l); 0 after a daemon "
                       "restart that failed to load them.",
                       "kernel AUDIT_LIST_RULES; left out when that query fails"};
const descriptor rules_loaded{
    "linux_audit_rules_loaded",
    gauge,
    "rules",
    "Audit rules loaded in the kernel by filter list (user, task, exit, exclude, filesystem, "
    "io_uring, as auditctl -l names them), action (always, never) and kind (watch: a -w file "
    "watch, syscall: any other rule); the samples add up to linux_audit_rules.",
    "kernel AUDIT_LIST_RULES (struct audit_rule_data); left out when that query fails",
    "list,action,kind"};
const descriptor rules_with_key{
    "linux_audit_rules_with_key",
    gauge,
    "rules",
    "Audit rules carrying each key (-k); a rule with several keys counts once for each. "
    "key=\"(none)\" counts rules without a key; key=\"(other)\" counts keys beyond "
    "--rules.max-keys distinct ones (the first met in the kernel's list order get their own).",
    "kernel AUDIT_LIST_RULES (struct audit_rule_data); left out when that query fails",
    "key"};
const descriptor rules_age{
    "linux_audit_rules_age_seconds", gauge, "seconds",
    "How old the rule list behind the linux_audit_rules series is: 0 when listed for this "
    "scrape, more when an earlier list is reused (--rules.min-interval).",
    "the exporter; only with --rules.min-interval"};
const descriptor feature_enabled{
    "linux_audit_feature_enabled",
    gauge,
    "boolean",
    "1 when the kernel audit feature is on: loginuid_immutable (a process's login uid cannot "
    "change once set), only_unset_loginuid (it may only be set while unset).",
    "kernel AUDIT_GET_FEATURE (struct audit_features); left out when that query fails",
    "feature"};
const descriptor feature_locked{
    "linux_audit_feature_locked",
    gauge,
    "boolean",
    "1 when the kernel audit feature's setting is locked until reboot.",
    "kernel AUDIT_GET_FEATURE (struct audit_features); left out when that query fails",
    "feature"};
const descriptor scrape_duration{
    "linux_audit_scrape_duration_seconds", gauge, "seconds",
    "Time this scrape's collectors took, the kernel queries among them (scrapes "
    "that arrive together share them).",
    "the exporter"};
const descriptor collector_success{
    "linux_audit_exporter_collector_success",
    gauge,
    "boolean",
    "1 when the collector answered this scrape, 0 when its query failed (the log says why; "
    "its series are then absent, or linux_audit_up is 0).",
    "the exporter, each enabled collector (--collector.X)",
    "collector"};
const descriptor collector_duration{
    "linux_audit_exporter_collector_duration_seconds",
    gauge,
    "seconds",
    "Time each collector took for this scrape (scrapes that arrive together share it).",
    "the exporter, each enabled collector (--collector.X)",
    "collector"};
const descriptor build_info{"linux_audit_exporter_build_info",
                            gauge,
                            "info",
                            "Always 1; the labels name the exporter's version and revision.",
                            "the exporter",
                            "version,revision"};
const descriptor process_cpu{"process_cpu_seconds", counter, "seconds",
                             "User and system CPU time the exporter has used.", "/proc/self/stat"};
const descriptor process_resident_memory{"process_resident_memory_bytes", gauge, "bytes",
                                         "Resident memory of the exporter.", "/proc/self/stat"};
const descriptor process_virtual_memory{"process_virtual_memory_bytes", gauge, "bytes",
                                        "Virtual memory of the exporter.", "/proc/self/stat"};
const descriptor process_start_time{"process_start_time_seconds", gauge, "seconds",
                                    "When the exporter started, in seconds since the Unix epoch.",
                                    "/proc/self/stat, /proc/stat"};
const descriptor process_open_fds{"process_open_fds", gauge, "descriptors",
                                  "File descriptors the exporter has open.", "/proc/self/fd"};
const descriptor process_max_fds{"process_max_fds", gauge, "descriptors",
                                 "Most file descriptors the exporter may open.",
                                 "getrlimit(RLIMIT_NOFILE)"};

// The records collector's series (only with --collector.records).
constexpr std::string_view read_log =
    "kernel audit read-log group (AUDIT_NLGRP_READLOG); only with --collector.records";
const descriptor log_records{
    "linux_audit_log_records", counter, "records",
    "Audit records the kernel emitted, by record type as the audit tools name it (SYSCALL, "
    "PATH, USER_LOGIN...; a type without a name as its number; past 64 distinct unknown "
    "numbers outside 1000-2999, under type=\"(other)\"), read live from the audit read-log "
    "group. Low by an unknown amount once linux_audit_log_overflows_total has risen.",
    read_log};
const descriptor log_syscall_events{
    "linux_audit_log_syscall_events", counter, "events",
    "Audited system calls (one SYSCALL record each) by the key of the rule that matched "
    "(key=\"(none)\" for a rule without a key, other keys labelled as in "
    "linux_audit_rules_with_key; a rule with several keys counts under each; keys past "
    "--collector.records.max-keys, and unreadable ones, under key=\"(other)\") and by "
    "success (yes, no, or unknown: the syscall did not return, e.g. exit_group; so every SYSCALL "
    "record counts). Low by an unknown amount once "
    "linux_audit_log_overflows_total has risen.",
    read_log};
const descriptor log_user_results{
    "linux_audit_log_user_results", counter, "records",
    "Audit records sent by user space (PAM, sshd, login: USER_AUTH, USER_LOGIN...) that carry "
    "a result, by record type and res (success or failed): failed logins, live. Low by an "
    "unknown amount once linux_audit_log_overflows_total has risen.",
    read_log};
const descriptor log_subscribed{
    "linux_audit_log_subscribed", gauge, "boolean",
    "1 when the exporter has joined the kernel's audit read-log group, 0 when not (it needs "
    "CAP_AUDIT_READ and the host's network namespace; the log says why).",
    read_log};
const descriptor log_overflows{
    "linux_audit_log_overflows", counter, "overflows",
    "Times the kernel dropped audit records meant for the exporter because it fell behind "
    "(ENOBUFS on its read-log socket): the linux_audit_log_ counts are then low by an "
    "unknown amount. The audit daemon's own copy is not affected.",
    read_log};
} // namespace series

std::vector<const descriptor*> all_descriptors() {
    std::vector<const descriptor*> all{&series::up};
    for (const auto& s : status_table) {
        all.push_back(&s.about);
    }
    for (const auto* d :
         {&series::rules, &series::rules_loaded, &series::rules_with_key, &series::rules_age,
          &series::feature_enabled, &series::feature_locked, &series::scrape_duration,
          &series::collector_success, &series::collector_duration, &series::build_info,
          &series::process_cpu, &series::process_resident_memory, &series::process_virtual_memory,
          &series::process_start_time, &series::process_open_fds, &series::process_max_fds,
          // The records collector's (only with --collector.records).
          &series::log_records, &series::log_syscall_events, &series::log_user_results,
          &series::log_subscribed, &series::log_overflows}) {
        all.push_back(d);
    }
    return all;
}

std::string markdown_table() {
    std::string out = "| metric | type | unit | meaning | source |\n|---|---|---|---|---|\n";
    for (const auto* d : all_descriptors()) {
        out += "| `";
        out += d->name;
        if (d->type == counter) {
            out += "_total";
        }
        if (!d->labels.empty()) {
            out += '{';
            out += d->labels;
            out += '}';
        }
        out += "` | ";
        out += d->type == counter ? "counter" : "gauge";
        out += " | ";
        out += d->unit;
        out += " | ";
        out += d->help;
        out += " | ";
        out += d->source;
        out += " |\n";
    }
    return out;
}

} // namespace lae::metrics
