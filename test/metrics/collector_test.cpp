#define BOOST_TEST_MODULE metrics collectors
#include "collectors/build_info.hpp"
#include "collectors/features.hpp"
#include "collectors/registry.hpp"
#include "collectors/rules.hpp"
#include "collectors/status.hpp"
#include "metrics/catalogue.hpp"
#include "metrics/exposition.hpp"
#include "metrics/process_stats.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <ctime>

using namespace lae::metrics;
using lae::collectors::build_info_family;

namespace {

// One scrape's kernel answers, as the status, rules and features collectors receive them.
struct audit_answers {
    std::optional<lae::audit::status> status;
    std::optional<lae::audit::rule_tally> rules;
    std::optional<lae::audit::features> features;
    std::optional<unsigned> kernel_hz;
    double scrape_duration_seconds = 0;
};

// The three collectors' families in exposition order, then the scrape's duration.
void collect_audit(std::vector<family>& out, const audit_answers& answers) {
    lae::collectors::status_families(out, answers.status, answers.kernel_hz);
    if (answers.rules) {
        lae::collectors::rules_families(out, *answers.rules);
    }
    if (answers.features) {
        lae::collectors::features_families(out, *answers.features);
    }
    out.push_back(make_family(series::scrape_duration, answers.scrape_duration_seconds));
}

lae::audit::status full_status() {
    lae::audit::status s;
    s.enabled = 1;
    s.failure = 1;
    s.pid = 99;
    s.rate_limit = 0;
    s.backlog_limit = 64;
    s.lost = 5;
    s.backlog = 2;
    s.feature_bitmap = 0x7f;
    s.backlog_wait_time = 15000;
    s.backlog_wait_time_actual = 500;
    return s;
}

// The answers of one scrape; `rules` loaded rules without keys on the exit list.
audit_answers answers_with(std::optional<lae::audit::status> status,
                           std::optional<std::uint32_t> rules, std::optional<unsigned> hz,
                           double seconds) {
    audit_answers answers;
    answers.status = std::move(status);
    if (rules) {
        answers.rules.emplace();
        for (std::uint32_t i = 0; i < *rules; ++i) {
            answers.rules->add({4, 2, lae::audit::rule_kind::syscall, {}});
        }
    }
    answers.kernel_hz = hz;
    answers.scrape_duration_seconds = seconds;
    return answers;
}

std::string render_text(const audit_answers& answers) {
    std::vector<family> families;
    collect_audit(families, answers);
    std::string out;
    write(out, exposition_format::text, families);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

} // namespace

BOOST_AUTO_TEST_CASE(success_exports_every_status_series) {
    const auto answers = answers_with(full_status(), 3U, 250U, 0.5);
    const auto text = render_text(answers);
    for (const char* line :
         {"linux_audit_up 1", "linux_audit_backlog 2", "linux_audit_backlog_limit 64",
          "linux_audit_backlog_wait_time 15000", "linux_audit_backlog_wait_time_actual 500",
          "linux_audit_enabled 1", "linux_audit_failure 1", "linux_audit_lost 5",
          "linux_audit_rate_limit 0", "linux_audit_daemon_pid 99",
          "linux_audit_records_lost_total 5", "linux_audit_backlog_wait_time_seconds 60",
          "linux_audit_backlog_wait_time_actual_seconds_total 2", "linux_audit_rules 3",
          "linux_audit_scrape_duration_seconds 0.5"}) {
        BOOST_TEST(has_line(text, line), line);
    }
}

BOOST_AUTO_TEST_CASE(failure_exports_up_zero_and_no_invented_values) {
    const auto text = render_text(answers_with(std::nullopt, std::nullopt, 250U, 0.001));
    BOOST_TEST(has_line(text, "linux_audit_up 0"));
    BOOST_TEST(text.find("linux_audit_backlog") == std::string::npos);
    BOOST_TEST(text.find("linux_audit_lost") == std::string::npos);
    BOOST_TEST(text.find("linux_audit_rules") == std::string::npos);
    BOOST_TEST(text.find("linux_audit_enabled") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(fields_an_old_kernel_did_not_send_are_left_out) {
    auto s = full_status();
    s.backlog_wait_time_actual.reset();
    s.backlog_wait_time.reset();
    const auto text = render_text(answers_with(s, 0U, 250U, 0));
    BOOST_TEST(text.find("linux_audit_backlog_wait_time") == std::string::npos);
    BOOST_TEST(has_line(text, "linux_audit_backlog 2"));
}

BOOST_AUTO_TEST_CASE(unknown_hz_leaves_out_the_seconds_and_nothing_else) {
    const auto text = render_text(answers_with(full_status(), 0U, std::nullopt, 0));
    BOOST_TEST(text.find("\nlinux_audit_backlog_wait_time_actual_seconds_total ") ==
               std::string::npos);
    BOOST_TEST(text.find("\nlinux_audit_backlog_wait_time_seconds ") == std::string::npos);
    BOOST_TEST(has_line(text, "linux_audit_backlog_wait_time 15000"));
}

BOOST_AUTO_TEST_CASE(a_failed_rules_query_hides_only_the_rules) {
    const auto text = render_text(answers_with(full_status(), std::nullopt, 250U, 0));
    BOOST_TEST(text.find("linux_audit_rules") == std::string::npos);
    BOOST_TEST(has_line(text, "linux_audit_up 1"));
}

BOOST_AUTO_TEST_CASE(seed_gauges_keep_the_go_exporter_names_and_type) {
    std::vector<std::string> seeds;
    for (const auto& s : status_catalogue()) {
        if (s.about.type == metric_type::gauge) {
            seeds.emplace_back(s.about.name);
        }
    }
    for (const char* name :
         {"linux_audit_backlog", "linux_audit_backlog_limit", "linux_audit_backlog_wait_time",
          "linux_audit_backlog_wait_time_actual", "linux_audit_enabled", "linux_audit_failure",
          "linux_audit_lost", "linux_audit_rate_limit"}) {
        BOOST_TEST((std::find(seeds.begin(), seeds.end(), name) != seeds.end()), name);
    }
}

BOOST_AUTO_TEST_CASE(help_texts_fix_the_go_exporters_mistakes) {
    for (const auto& s : status_catalogue()) {
        if (s.about.name == "linux_audit_failure") {
            BOOST_TEST(s.about.help.find("not an error count") != std::string_view::npos);
        }
        if (s.about.name == "linux_audit_enabled") {
            BOOST_TEST(s.about.help.find("-1") == std::string_view::npos);
        }
        if (s.about.name.starts_with("linux_audit_backlog_wait_time") &&
            s.conversion == scale::as_is) {
            BOOST_TEST(s.about.help.find("jiffies") != std::string_view::npos);
        }
    }
}

BOOST_AUTO_TEST_CASE(build_info_has_version_and_revision) {
    const auto info = build_info_family();
    BOOST_TEST_REQUIRE(info.samples.size() == 1U);
    BOOST_TEST(info.samples[0].labels.size() == 2U);
    BOOST_TEST(info.samples[0].value == 1);
}

BOOST_AUTO_TEST_CASE(markdown_table_lists_every_series) {
    const auto table = markdown_table();
    for (const auto& s : status_catalogue()) {
        BOOST_TEST(table.find(std::string(s.about.name)) != std::string::npos);
    }
    BOOST_TEST(table.find("process_cpu_seconds_total") != std::string::npos);
    BOOST_TEST(table.find("linux_audit_up") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_collectors_declare_every_family_of_the_catalogue_but_the_scrapes) {
    const lae::collectors::registry registry;
    auto declared = registry.families();
    for (const auto* own :
         {&series::scrape_duration, &series::collector_success, &series::collector_duration}) {
        declared.push_back(own); // the scrape's own
    }
    auto all = all_descriptors();
    std::sort(declared.begin(), declared.end());
    std::sort(all.begin(), all.end());
    BOOST_TEST((declared == all)); // each family declared by exactly one
}

BOOST_AUTO_TEST_CASE(proc_stat_with_a_tricky_command_name) {
    const std::string line =
        "1234 (a) b (c) S 1 1234 1234 0 -1 4194560 500 0 0 0 70 30 0 0 20 0 1 0 555 12345678 "
        "321 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n";
    const auto stat = parse_proc_stat(line);
    BOOST_TEST_REQUIRE(stat.has_value());
    BOOST_TEST(stat->user_ticks == 70U);
    BOOST_TEST(stat->system_ticks == 30U);
    BOOST_TEST(stat->start_ticks == 555U);
    BOOST_TEST(stat->virtual_bytes == 12345678U);
    BOOST_TEST(stat->resident_pages == 321U);
    BOOST_TEST(!parse_proc_stat("1234 (x) S 1 2"));
    BOOST_TEST(!parse_proc_stat("garbage"));
}

BOOST_AUTO_TEST_CASE(boot_time) {
    BOOST_TEST(*parse_boot_time("cpu 1 2 3\nbtime 1700000000\nprocesses 5\n") == 1700000000U);
    BOOST_TEST(!parse_boot_time("cpu 1 2 3\n"));
}

BOOST_AUTO_TEST_CASE(process_series_describe_this_process) {
    const process_stats collector;
    std::vector<family> families;
    collector.collect(families);
    auto value_of = [&](std::string_view name) -> std::optional<double> {
        for (const auto& f : families) {
            if (f.name == name) {
                return f.samples.at(0).value;
            }
        }
        return std::nullopt;
    };
    BOOST_TEST(value_of("process_resident_memory_bytes").value_or(0) > 0);
    BOOST_TEST(value_of("process_virtual_memory_bytes").value_or(0) >
               value_of("process_resident_memory_bytes").value_or(0));
    const auto start = value_of("process_start_time_seconds").value_or(0);
    const auto now = static_cast<double>(time(nullptr));
    BOOST_TEST(start <= now + 1);
    BOOST_TEST(start > now - 3600);
    BOOST_TEST(value_of("process_open_fds").value_or(0) >= 3);
    BOOST_TEST(value_of("process_max_fds").value_or(0) >= value_of("process_open_fds").value_or(0));
    BOOST_TEST(value_of("process_cpu_seconds").has_value());
}

BOOST_AUTO_TEST_CASE(no_two_families_share_a_name_in_either_format) {
    // OpenMetrics names a counter's family without "_total": "x" (counter) and "x" (gauge)
    // clash, and so do a gauge "x_total" and a counter "x" in text 0.0.4.
    std::vector<std::string> families;
    std::vector<std::string> samples;
    for (const auto* d : all_descriptors()) {
        families.emplace_back(d->name);
        samples.push_back(std::string(d->name) + (d->type == metric_type::counter ? "_total" : ""));
    }
    auto sorted = families;
    std::sort(sorted.begin(), sorted.end());
    BOOST_TEST((std::adjacent_find(sorted.begin(), sorted.end()) == sorted.end()));
    for (const auto& name : samples) {
        const auto uses = std::count(samples.begin(), samples.end(), name) +
                          std::count(families.begin(), families.end(), name);
        // Once as a sample name, and once more when it is also its own family's name.
        BOOST_TEST(uses <= 2, name);
    }
    BOOST_TEST((std::find(families.begin(), families.end(), "linux_audit_records_lost") !=
                families.end()));
}

namespace {
lae::audit::rule_summary rule(std::uint32_t list, std::uint32_t action, lae::audit::rule_kind kind,
                              std::string_view keys) {
    return {list, action, kind, keys};
}
} // namespace

BOOST_AUTO_TEST_CASE(rules_by_list_action_kind_and_key) {
    using lae::audit::rule_kind;
    auto answers = answers_with(full_status(), std::nullopt, 250U, 0);
    answers.rules.emplace(2); // two distinct keys at most
    answers.rules->add(rule(4, 2, rule_kind::watch, "identity"));
    answers.rules->add(rule(4, 2, rule_kind::watch,
                            "identity\x01"
                            "privileged"));
    answers.rules->add(rule(4, 0, rule_kind::syscall, ""));
    answers.rules->add(rule(5, 2, rule_kind::syscall,
                            "third\x01"
                            "fourth"));
    answers.rules->add(rule(0, 2, rule_kind::syscall, "say \"hi\"\\"));
    answers.rules->add(rule(9, 3, rule_kind::syscall, "")); // numbers without a name
    const auto text = render_text(answers);
    for (const char* line : {
             "linux_audit_rules 6",
             "linux_audit_rules_loaded{list=\"exit\",action=\"always\",kind=\"watch\"} 2",
             "linux_audit_rules_loaded{list=\"exit\",action=\"never\",kind=\"syscall\"} 1",
             "linux_audit_rules_loaded{list=\"exclude\",action=\"always\",kind=\"syscall\"} 1",
             "linux_audit_rules_loaded{list=\"user\",action=\"always\",kind=\"syscall\"} 1",
             "linux_audit_rules_loaded{list=\"io_uring\",action=\"never\",kind=\"watch\"} 0",
             "linux_audit_rules_loaded{list=\"9\",action=\"3\",kind=\"syscall\"} 1",
             "linux_audit_rules_with_key{key=\"(none)\"} 2",
             "linux_audit_rules_with_key{key=\"identity\"} 2",
             "linux_audit_rules_with_key{key=\"privileged\"} 1",
             "linux_audit_rules_with_key{key=\"(other)\"} 3",
         }) {
        BOOST_TEST(has_line(text, line), line);
    }
    // The loaded counts add up to linux_audit_rules.
    double sum = 0;
    std::vector<family> families;
    collect_audit(families, answers);
    for (const auto& f : families) {
        if (f.name == "linux_audit_rules_loaded") {
            for (const auto& s : f.samples) {
                sum += s.value;
            }
        }
    }
    BOOST_TEST(sum == 6);
}

BOOST_AUTO_TEST_CASE(keys_are_escaped_as_label_values) {
    auto answers = answers_with(full_status(), std::nullopt, 250U, 0);
    answers.rules.emplace();
    answers.rules->add(rule(4, 2, lae::audit::rule_kind::syscall, "say \"hi\"\\\n"));
    answers.rules->add(rule(4, 2, lae::audit::rule_kind::syscall, "bad\xff\x02 clé"));
    const auto text = render_text(answers);
    // Control bytes and the backslash become \xHH first (like invalid UTF-8); then the
    // writer's escapes apply.
    BOOST_TEST(
        has_line(text, "linux_audit_rules_with_key{key=\"say \\\"hi\\\"\\\\x5c\\\\x0a\"} 1"));
    BOOST_TEST(has_line(text, "linux_audit_rules_with_key{key=\"bad\\\\xff\\\\x02 clé\"} 1"));
}

BOOST_AUTO_TEST_CASE(no_rules_is_zero_everywhere_and_a_failed_query_is_absent) {
    const auto none = render_text(answers_with(full_status(), 0U, 250U, 0));
    BOOST_TEST(has_line(none, "linux_audit_rules 0"));
    BOOST_TEST(has_line(none, "linux_audit_rules_with_key{key=\"(none)\"} 0"));
    BOOST_TEST(has_line(
        none, "linux_audit_rules_loaded{list=\"exit\",action=\"always\",kind=\"syscall\"} 0"));
    BOOST_TEST(none.find("{key=\"(other)\"}") == std::string::npos);
    const auto failed = render_text(answers_with(full_status(), std::nullopt, 250U, 0));
    BOOST_TEST(failed.find("linux_audit_rules") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(features_set_locked_and_unknown) {
    auto answers = answers_with(full_status(), 0U, 250U, 0);
    answers.features = lae::audit::features{lae::audit::feature_state{false, true},
                                            lae::audit::feature_state{true, false}};
    const auto text = render_text(answers);
    for (const char* line : {
             "linux_audit_feature_enabled{feature=\"loginuid_immutable\"} 1",
             "linux_audit_feature_locked{feature=\"loginuid_immutable\"} 0",
             "linux_audit_feature_enabled{feature=\"only_unset_loginuid\"} 0",
             "linux_audit_feature_locked{feature=\"only_unset_loginuid\"} 1",
         }) {
        BOOST_TEST(has_line(text, line), line);
    }
    answers.features = lae::audit::features{std::nullopt, lae::audit::feature_state{true, true}};
    const auto partial = render_text(answers);
    BOOST_TEST(partial.find("{feature=\"only_unset_loginuid\"}") == std::string::npos);
    answers.features.reset(); // the kernel did not answer: these series only are gone
    const auto silent = render_text(answers);
    BOOST_TEST(silent.find("linux_audit_feature") == std::string::npos);
    BOOST_TEST(has_line(silent, "linux_audit_up 1"));
    BOOST_TEST(has_line(silent, "linux_audit_rules 0"));
}
