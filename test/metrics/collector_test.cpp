#define BOOST_TEST_MODULE metrics collectors
#include "metrics/audit_collector.hpp"
#include "metrics/catalogue.hpp"
#include "metrics/exposition.hpp"
#include "metrics/process_collector.hpp"

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <ctime>

using namespace lae::metrics;

namespace {

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
    audit_answers answers{full_status(), 3U, 250U, 0.5};
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
    const auto text = render_text(audit_answers{std::nullopt, std::nullopt, 250U, 0.001});
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
    const auto text = render_text(audit_answers{s, 0U, 250U, 0});
    BOOST_TEST(text.find("linux_audit_backlog_wait_time") == std::string::npos);
    BOOST_TEST(has_line(text, "linux_audit_backlog 2"));
}

BOOST_AUTO_TEST_CASE(unknown_hz_leaves_out_the_seconds_and_nothing_else) {
    const auto text = render_text(audit_answers{full_status(), 0U, std::nullopt, 0});
    BOOST_TEST(text.find("\nlinux_audit_backlog_wait_time_actual_seconds_total ") ==
               std::string::npos);
    BOOST_TEST(text.find("\nlinux_audit_backlog_wait_time_seconds ") == std::string::npos);
    BOOST_TEST(has_line(text, "linux_audit_backlog_wait_time 15000"));
}

BOOST_AUTO_TEST_CASE(a_failed_rules_query_hides_only_the_rules) {
    const auto text = render_text(audit_answers{full_status(), std::nullopt, 250U, 0});
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
    const process_collector collector;
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
