#define BOOST_TEST_MODULE metrics records collector
// The record counts fed record texts as the kernel writes them; the families they give.
#include "audit/rules.hpp"
#include "metrics/exposition.hpp"
#include "metrics/record_counts.hpp"

#include <boost/test/unit_test.hpp>
#include <cstdlib>
#include <linux/audit.h>
#include <new>
#include <string>

// Every allocation of this test program is counted, to show that counting records does not
// allocate once their label values are known. (Not inlined: GCC would see malloc and free
// behind new and delete and warn that they are mismatched.)
namespace {
std::size_t allocations = 0;
}
[[gnu::noinline]] void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
[[gnu::noinline]] void operator delete(void* p) noexcept {
    std::free(p);
}
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

using namespace lae::metrics;

namespace {

// From libaudit.h (linux/audit.h leaves the user-space types to it).
constexpr std::uint16_t AUDIT_USER_AUTH = 1100;
constexpr std::uint16_t AUDIT_USER_LOGIN = 1112;

std::string render(const record_counts& counts, bool subscribed = true) {
    std::vector<family> families;
    counts.collect(families, subscribed);
    std::string out;
    write(out, exposition_format::text, families);
    return out;
}

bool has_line(const std::string& body, const std::string& line) {
    return body.find("\n" + line + "\n") != std::string::npos;
}

std::string syscall(std::string_view success, std::string_view key) {
    return "audit(1.2:3): arch=c000003e syscall=39 success=" + std::string(success) +
           " exit=1 comm=\"t\" key=" + std::string(key);
}

} // namespace

BOOST_AUTO_TEST_CASE(records_by_type_with_names_and_numbers) {
    record_counts counts(512);
    counts.count(AUDIT_SYSCALL, syscall("yes", "(null)"));
    counts.count(AUDIT_PATH, "audit(1.2:3): item=0");
    counts.count(AUDIT_PATH, "audit(1.2:3): item=1");
    counts.count(AUDIT_EOE, "audit(1.2:3): ");
    counts.count(1199, "audit(1.2:3): unnamed user type");
    counts.count(4000, "audit(1.2:3): beyond the table");
    const auto body = render(counts);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"SYSCALL\"} 1"), body);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"PATH\"} 2"));
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"EOE\"} 1"));
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"1199\"} 1"));
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"4000\"} 1"));
    BOOST_TEST(has_line(body, "linux_audit_log_subscribed 1"));
    BOOST_TEST(has_line(body, "linux_audit_log_overflows_total 0"));
}

BOOST_AUTO_TEST_CASE(syscall_events_by_key_and_success) {
    record_counts counts(512);
    for (int i = 0; i < 3; ++i) {
        counts.count(AUDIT_SYSCALL, syscall("yes", "\"lae_one\""));
    }
    counts.count(AUDIT_SYSCALL, syscall("no", "\"lae_one\""));
    counts.count(AUDIT_SYSCALL, syscall("yes", "6C61655F61016C61655F62")); // two keys
    counts.count(AUDIT_SYSCALL, syscall("no", "(null)"));
    // A SYSCALL record without success=: the task exited inside the syscall (exit_group).
    // Still an event of its rule's key, success="unknown".
    counts.count(AUDIT_SYSCALL, "audit(1.2:3): arch=c000003e syscall=231 key=\"lae_one\"");
    // Only SYSCALL records are events, whatever their text says.
    counts.count(AUDIT_PATH, syscall("yes", "\"lae_one\""));
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_one\",success=\"yes\"} 3"),
        body);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_one\",success=\"no\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_a\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_b\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(none)\",success=\"no\"} 1"));
    // Both outcomes of a key once it is seen, the other at 0.
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(none)\",success=\"yes\"} 0"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_a\",success=\"no\"} 0"));
    BOOST_TEST(has_line(
        body, "linux_audit_log_syscall_events_total{key=\"lae_one\",success=\"unknown\"} 1"));
    // "unknown" only once seen: no rule but one on exit_group has it.
    BOOST_TEST(body.find("{key=\"lae_a\",success=\"unknown\"}") == std::string::npos);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"SYSCALL\"} 7"));
}

BOOST_AUTO_TEST_CASE(every_syscall_record_counts_under_its_keys) {
    // As the kernel writes them: success= only when the syscall returned.
    record_counts counts(512);
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"lae_a\""));
    counts.count(AUDIT_SYSCALL, syscall("no", "(null)"));
    counts.count(AUDIT_SYSCALL,
                 "audit(1.2:3): arch=c000003e syscall=231 items=0 ppid=1 pid=2 comm=\"t\" "
                 "exe=\"/t\" subj=unconfined key=\"lae_exit\"");
    counts.count(AUDIT_SYSCALL, "audit(1.2:3): arch=c000003e syscall=60 pid=2 key=(null)");
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body,
                 "linux_audit_log_syscall_events_total{key=\"lae_exit\",success=\"unknown\"} 1"),
        body);
    BOOST_TEST(has_line(
        body, "linux_audit_log_syscall_events_total{key=\"(none)\",success=\"unknown\"} 1"));
    double events = 0;
    for (std::size_t at = 0;
         (at = body.find("\nlinux_audit_log_syscall_events_total{", at)) != std::string::npos;
         ++at) {
        events += std::stod(body.substr(body.find("} ", at) + 2));
    }
    BOOST_TEST(events == 4.0); // the keys add up to the SYSCALL records
    BOOST_TEST(body.find("unknown: the syscall did not return, e.g. exit_group") !=
               std::string::npos);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"SYSCALL\"} 4"));
}

BOOST_AUTO_TEST_CASE(keys_past_the_cap_count_under_other) {
    record_counts counts(2);
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"k1\""));
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"k2\""));
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"k3\""));
    counts.count(AUDIT_SYSCALL, syscall("no", "\"k4\""));
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"k1\"")); // known keys keep counting
    const auto body = render(counts);
    BOOST_TEST(has_line(body, "linux_audit_log_syscall_events_total{key=\"k1\",success=\"yes\"} 2"),
               body);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"k2\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"no\"} 1"));
    BOOST_TEST(body.find("k3") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(memory_stays_bounded_by_the_cap) {
    record_counts counts(16);
    for (int i = 0; i < 100000; ++i) {
        counts.count(AUDIT_SYSCALL, syscall("yes", "\"key" + std::to_string(i) + "\""));
    }
    const auto body = render(counts);
    std::size_t series = 0;
    for (std::size_t at = 0;
         (at = body.find("\nlinux_audit_log_syscall_events_total{", at)) != std::string::npos;
         ++at) {
        ++series;
    }
    BOOST_TEST(series == 34U); // 16 keys and (other), each with yes and no
    BOOST_TEST(has_line(
        body, "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"yes\"} 99984"));
}

BOOST_AUTO_TEST_CASE(an_unreadable_key_counts_under_other_not_null) {
    record_counts counts(512);
    counts.count(AUDIT_SYSCALL, syscall("yes", "\"cut")); // a record cut inside its key
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"yes\"} 1"),
        body);
    BOOST_TEST(body.find("{key=\"(none)\"") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(odd_keys_are_labelled_as_the_rules_collector_labels_them) {
    record_counts counts(512);
    counts.count(AUDIT_SYSCALL, syscall("yes", "FF6B"));         // "\xffk"
    counts.count(AUDIT_SYSCALL, syscall("yes", "C3A9"));         // "é": valid, shown as is
    counts.count(AUDIT_SYSCALL, syscall("yes", "286E6F6E6529")); // a real key "(none)"
    const auto body = render(counts);
    // The label values are the rules collector's (key_label), so the two join on key; the
    // text format then writes each backslash as two.
    BOOST_TEST(lae::audit::key_label("\xffk") == R"(\xffk)");
    BOOST_TEST(lae::audit::key_label("(none)") == R"x(\x28none))x");
    BOOST_TEST(
        has_line(body, R"(linux_audit_log_syscall_events_total{key="\\xffk",success="yes"} 1)"),
        body);
    BOOST_TEST(
        has_line(body,
                 R"x(linux_audit_log_syscall_events_total{key="\\x28none)",success="yes"} 1)x"),
        body);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"\xC3\xA9\",success=\"yes\"} 1"));
}

BOOST_AUTO_TEST_CASE(user_results_by_type_and_res) {
    record_counts counts(512);
    const std::string failed =
        "audit(1.2:3): pid=1 uid=0 msg='op=PAM:authentication acct=\"x\" res=failed'";
    const std::string success = "audit(1.2:3): pid=1 uid=0 msg='op=login id=0 res=success'";
    counts.count(AUDIT_USER_AUTH, failed);
    counts.count(AUDIT_USER_AUTH, failed);
    counts.count(AUDIT_USER_AUTH, success);
    counts.count(AUDIT_USER_LOGIN, failed);
    counts.count(AUDIT_USER_LOGIN, "audit(1.2:3): pid=1 uid=0 msg='op=login'"); // no result
    counts.count(1005, failed); // AUDIT_USER: generic text, not a login result
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body, "linux_audit_log_user_results_total{type=\"USER_AUTH\",res=\"failed\"} 2"),
        body);
    BOOST_TEST(
        has_line(body, "linux_audit_log_user_results_total{type=\"USER_AUTH\",res=\"success\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_user_results_total{type=\"USER_LOGIN\",res=\"failed\"} 1"));
    BOOST_TEST(has_line(
        body, "linux_audit_log_user_results_total{type=\"USER_LOGIN\",res=\"success\"} 0"));
    BOOST_TEST(body.find("type=\"USER\",res") == std::string::npos);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"USER_LOGIN\"} 2"));
}

BOOST_AUTO_TEST_CASE(overflows_and_subscription) {
    record_counts counts(512);
    counts.overflowed();
    counts.overflowed();
    const auto body = render(counts, false);
    BOOST_TEST(has_line(body, "linux_audit_log_overflows_total 2"), body);
    BOOST_TEST(has_line(body, "linux_audit_log_subscribed 0"));
    // Before any record: the series alerts and rate() need are there at 0, nothing else.
    for (const auto* line :
         {"linux_audit_log_records_total{type=\"SYSCALL\"} 0",
          "linux_audit_log_records_total{type=\"USER_AUTH\"} 0",
          "linux_audit_log_records_total{type=\"USER_LOGIN\"} 0",
          "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"yes\"} 0",
          "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"no\"} 0",
          "linux_audit_log_user_results_total{type=\"USER_AUTH\",res=\"success\"} 0",
          "linux_audit_log_user_results_total{type=\"USER_AUTH\",res=\"failed\"} 0",
          "linux_audit_log_user_results_total{type=\"USER_LOGIN\",res=\"success\"} 0",
          "linux_audit_log_user_results_total{type=\"USER_LOGIN\",res=\"failed\"} 0"}) {
        BOOST_TEST(has_line(body, line), line);
    }
    std::size_t samples = 0;
    for (std::size_t at = 0; (at = body.find("\nlinux_audit_log_", at)) != std::string::npos;
         ++at) {
        ++samples;
    }
    BOOST_TEST(samples == 11U); // those nine, subscribed and overflows
    BOOST_TEST(body.find("low by an unknown amount") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(types_past_their_cap_count_under_other) {
    record_counts counts(512);
    for (std::uint16_t type = 3000; type < 3100; ++type) {
        counts.count(type, "audit(1.2:3): x");
    }
    const auto body = render(counts);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"(other)\"} 36"), body);
    // and the HELP says so
    BOOST_TEST(body.find("past 64 distinct unknown numbers outside 1000-2999, under "
                         "type=\"(other)\"") != std::string::npos);
    BOOST_TEST(has_line(body, "linux_audit_log_records_total{type=\"3063\"} 1"));
}

BOOST_AUTO_TEST_CASE(counting_known_records_does_not_allocate) {
    record_counts counts(512);
    const std::string quoted = syscall("yes", "\"lae_one\"");
    const std::string hex = syscall("no", "6C61655F61016C61655F62");
    const std::string null = syscall("yes", "(null)");
    const std::string login = "audit(1.2:3): pid=1 uid=0 msg='op=login id=0 res=failed'";
    const std::string path = "audit(1.2:3): item=0 name=\"/etc/passwd\" nametype=NORMAL";
    const std::string past_cap = syscall("yes", "\"k513\"");
    auto feed = [&] {
        counts.count(AUDIT_SYSCALL, quoted);
        counts.count(AUDIT_SYSCALL, hex);
        counts.count(AUDIT_SYSCALL, null);
        counts.count(AUDIT_USER_LOGIN, login);
        counts.count(AUDIT_PATH, path);
        counts.count(4000, path);
    };
    feed(); // first sight of each label value: these may allocate
    const auto before = allocations;
    for (int i = 0; i < 10000; ++i) {
        feed();
    }
    BOOST_TEST(allocations == before, (allocations - before) << " allocations for 60,000 records");
    // Past the cap too, once "(other)" exists.
    record_counts capped(1);
    capped.count(AUDIT_SYSCALL, quoted);
    capped.count(AUDIT_SYSCALL, past_cap);
    const auto capped_before = allocations;
    for (int i = 0; i < 1000; ++i) {
        capped.count(AUDIT_SYSCALL, past_cap);
    }
    BOOST_TEST(allocations == capped_before);
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_a\",success=\"no\"} 10001"));
}

BOOST_AUTO_TEST_CASE(read_errors_are_logged_first_then_once_an_interval) {
    using namespace std::chrono_literals;
    log_throttle throttle(10min);
    const log_throttle::clock::time_point start{};
    BOOST_TEST(throttle.admit(start)); // the first one at once
    BOOST_TEST(throttle.suppressed() == 0U);
    BOOST_TEST(!throttle.admit(start + 1s));
    BOOST_TEST(!throttle.admit(start + 9min));
    BOOST_TEST(throttle.admit(start + 10min)); // then with how many were left out
    BOOST_TEST(throttle.suppressed() == 2U);
    BOOST_TEST(!throttle.admit(start + 11min));
    BOOST_TEST(throttle.admit(start + 1h));
    BOOST_TEST(throttle.suppressed() == 1U);
}

BOOST_AUTO_TEST_CASE(keys_as_the_rules_collector_counts_them_separators_and_caps) {
    // A key of separators only is no key (the rules collector says "(none)" too); "(none)"
    // does not count against the cap, as in the rules collector.
    record_counts counts(2);
    counts.count(AUDIT_SYSCALL, syscall("yes", "01"));         // "\x01"
    counts.count(AUDIT_SYSCALL, syscall("yes", "0101"));       // "\x01\x01"
    counts.count(AUDIT_SYSCALL, syscall("yes", "6C61655F61")); // lae_a
    counts.count(AUDIT_SYSCALL, syscall("yes", "6C61655F62")); // lae_b
    counts.count(AUDIT_SYSCALL, syscall("yes", "6C61655F63")); // lae_c: past the cap of 2
    const auto body = render(counts);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(none)\",success=\"yes\"} 2"),
        body);
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_a\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"lae_b\",success=\"yes\"} 1"));
    BOOST_TEST(
        has_line(body, "linux_audit_log_syscall_events_total{key=\"(other)\",success=\"yes\"} 1"));
    // "(none)" first met once the cap is full is still "(none)".
    record_counts full(1);
    full.count(AUDIT_SYSCALL, syscall("yes", "6C61655F61")); // lae_a
    full.count(AUDIT_SYSCALL, syscall("yes", "6C61655F62")); // lae_b: past the cap of 1
    full.count(AUDIT_SYSCALL, syscall("yes", "(null)"));
    const auto capped = render(full);
    BOOST_TEST(
        has_line(capped, "linux_audit_log_syscall_events_total{key=\"(none)\",success=\"yes\"} 1"),
        capped);
}
