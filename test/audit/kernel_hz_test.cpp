#define BOOST_TEST_MODULE kernel hz
#include "audit/kernel_hz.hpp"

#include <boost/test/unit_test.hpp>
#include <cmath>
#include <fstream>
#include <span>
#include <unistd.h>
#include <vector>

using lae::audit::hz_between;
using lae::audit::hz_measuring_interval;
using lae::audit::judge_hz_readings;
using lae::audit::parse_config_hz;
using lae::audit::parse_timer_list;
using lae::audit::timer_list_reading;

BOOST_AUTO_TEST_CASE(finds_config_hz_among_other_lines) {
    BOOST_TEST(*parse_config_hz("CONFIG_HZ_250=y\nCONFIG_HZ=250\nCONFIG_X=y\n") == 250U);
    BOOST_TEST(*parse_config_hz("CONFIG_HZ=1000") == 1000U);
}

BOOST_AUTO_TEST_CASE(ignores_lookalikes_and_comments) {
    BOOST_TEST(!parse_config_hz("# CONFIG_HZ=300 is not set\nCONFIG_HZ_300=y\n"));
    BOOST_TEST(!parse_config_hz("XCONFIG_HZ=100\n"));
    BOOST_TEST(!parse_config_hz(""));
}

BOOST_AUTO_TEST_CASE(rejects_garbage_values) {
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=\n"));
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=0\n"));
    BOOST_TEST(!parse_config_hz("CONFIG_HZ=25x\n"));
}

BOOST_AUTO_TEST_CASE(reads_this_machines_kernel_config_when_it_has_one) {
    // The check machines ship /proc/config.gz (CONFIG_HZ=250); elsewhere the lookup must say
    // why it failed instead of guessing.
    const auto lookup = lae::audit::read_kernel_hz();
    if (lookup.hz) {
        BOOST_TEST((*lookup.hz == 100U || *lookup.hz == 250U || *lookup.hz == 300U ||
                    *lookup.hz == 1000U));
    } else {
        BOOST_TEST(lookup.source.find("--kernel-hz") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(the_operators_value_comes_before_the_kernel_config) {
    const auto configured = lae::audit::find_kernel_hz(300U);
    BOOST_TEST((configured.hz == std::optional<unsigned>(300U)));
    BOOST_TEST(configured.source == "--kernel-hz");
    const auto found = lae::audit::find_kernel_hz(std::nullopt);
    const auto read = lae::audit::read_kernel_hz();
    BOOST_TEST((found.hz == read.hz));
    BOOST_TEST(found.source == read.source);
}

// The start of /proc/timer_list as Linux 6.1 and 6.18 print it (shortened).
constexpr const char* timer_list_start = "Timer List Version: v0.10\n"
                                         "HRTIMER_MAX_CLOCK_BASES: 8\n"
                                         "now at 2221047349349 nsecs\n"
                                         "\n"
                                         "cpu: 0\n"
                                         " clock 0:\n"
                                         "  .idle_jiffies   : 4295447483\n"
                                         "  .last_jiffies   : 4295447510\n"
                                         "jiffies: 4295447512\n"
                                         "\n"
                                         "cpu: 1\n"
                                         "jiffies: 4295447599\n";

BOOST_AUTO_TEST_CASE(timer_list_gives_the_clock_and_the_first_cpus_jiffies) {
    const auto reading = parse_timer_list(timer_list_start);
    BOOST_TEST_REQUIRE(reading.has_value());
    BOOST_TEST(reading->monotonic_ns == 2221047349349ULL);
    BOOST_TEST(reading->jiffies == 4295447512ULL); // not .last_jiffies, not CPU 1's
}

BOOST_AUTO_TEST_CASE(timer_list_without_both_values_gives_nothing) {
    BOOST_TEST(!parse_timer_list(""));
    BOOST_TEST(!parse_timer_list("now at 2221047349349 nsecs\ncpu: 0\n"));
    BOOST_TEST(!parse_timer_list("jiffies: 4295447512\n"));
    // jiffies before the clock belongs to no reading of it
    BOOST_TEST(!parse_timer_list("jiffies: 4295447512\nnow at 2221047349349 nsecs\n"));
    // a read cut in the middle of the number: not yet a value
    BOOST_TEST(!parse_timer_list("now at 2221047349349 nsecs\njiffies: 42954"));
    BOOST_TEST(!parse_timer_list("now at 12x nsecs\njiffies: 4295447512\n"));
    BOOST_TEST(!parse_timer_list("now at 12 usecs\njiffies: 4295447512\n"));
    BOOST_TEST(!parse_timer_list("  now at 12 nsecs\n xjiffies: 4295447512\n"));
}

namespace {
timer_list_reading at(double seconds, std::uint64_t jiffies) {
    return {static_cast<std::uint64_t>(std::llround(seconds * 1e9)), jiffies};
}
} // namespace

BOOST_AUTO_TEST_CASE(jiffies_counted_in_50_ms_tell_the_common_rates_apart) {
    BOOST_TEST(hz_between(at(10, 1000), at(10.05, 1005)).value_or(0) == 100U);
    BOOST_TEST(hz_between(at(10, 1000), at(10.05, 1013)).value_or(0) == 250U);
    BOOST_TEST(hz_between(at(10, 1000), at(10.05, 1014)).value_or(0) == 300U);
    BOOST_TEST(hz_between(at(10, 1000), at(10.05, 1049)).value_or(0) == 1000U);
}

BOOST_AUTO_TEST_CASE(every_tick_phase_and_interval_from_the_measuring_one_gives_the_true_rate) {
    // Jiffies tick at multiples of 1/hz since boot; a reading at time t sees floor(t * hz).
    for (const unsigned hz : {100U, 250U, 300U, 1000U}) {
        for (int phase = 0; phase < 20; ++phase) {
            for (auto interval_ms = static_cast<int>(hz_measuring_interval.count());
                 interval_ms <= 250; interval_ms += 7) {
                const double start = 100.0 + phase / (20.0 * hz);
                const double end = start + interval_ms / 1000.0;
                const auto ticks = [hz](double t) {
                    return static_cast<std::uint64_t>(std::floor(t * hz));
                };
                const auto found = hz_between(at(start, ticks(start)), at(end, ticks(end)));
                BOOST_TEST(found.value_or(0) == hz,
                           hz << " Hz, phase " << phase << ", " << interval_ms << " ms");
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(a_count_that_fits_no_rate_or_several_gives_none) {
    BOOST_TEST(!hz_between(at(10, 1000), at(10.05, 1040)));  // 800 Hz: none of the common ones
    BOOST_TEST(!hz_between(at(10, 1000), at(10.005, 1001))); // 5 ms: 100 and 250 both fit
    BOOST_TEST(!hz_between(at(10, 1000), at(10, 1000)));     // no time passed
    BOOST_TEST(!hz_between(at(10, 1000), at(9, 900)));       // clocks backwards
    BOOST_TEST(!hz_between(at(10, 1000), at(10.05, 990)));   // jiffies backwards
}

BOOST_AUTO_TEST_CASE(two_intervals_in_a_row_decide_in_the_common_case) {
    // 250 Hz, 50 ms apart: 12 and 13 jiffies (the ticks' phase).
    const std::vector<timer_list_reading> readings{at(100, 25000), at(100.05, 25012),
                                                   at(100.1, 25025)};
    BOOST_TEST(!judge_hz_readings(std::span(readings).first(2), 10).hz); // one interval
    const auto verdict = judge_hz_readings(readings, 10);
    BOOST_TEST(verdict.hz.value_or(0) == 250U);
    BOOST_TEST(verdict.jiffies == 25U);
    BOOST_TEST(verdict.nanoseconds == 100'000'000U);
}

BOOST_AUTO_TEST_CASE(a_late_reading_is_outvoted_by_the_two_intervals_after_it) {
    // 250 Hz, 50 ms apart; the second reading's jiffies lag the clock by 2 (a tick handled
    // late): its intervals count 10 (no rate) and 15 (300 Hz), then 12 and 13 again.
    const std::vector<timer_list_reading> readings{
        at(100, 25000), at(100.05, 25010), at(100.1, 25025), at(100.15, 25037), at(100.2, 25050)};
    BOOST_TEST(!hz_between(readings[0], readings[1]));
    BOOST_TEST(hz_between(readings[1], readings[2]).value_or(0) == 300U);
    for (std::size_t taken = 2; taken < readings.size(); ++taken) {
        const auto verdict = judge_hz_readings(std::span(readings).first(taken), 10);
        BOOST_TEST(!verdict.hz, taken << " readings");
        BOOST_TEST(!verdict.gave_up, taken << " readings");
    }
    const auto verdict = judge_hz_readings(readings, 10);
    BOOST_TEST(verdict.hz.value_or(0) == 250U);
    BOOST_TEST(verdict.jiffies == 25U); // the last two intervals, not the late reading's
    BOOST_TEST(verdict.nanoseconds == 100'000'000U);
}

namespace {
// A 300 Hz kernel read every INTERVAL_S seconds, each reading's jiffies one off from the
// ticks in turn (one behind, then on time): the counts alternate one below and one above.
std::vector<timer_list_reading> jittery_300_hz(double interval_s, int count) {
    std::vector<timer_list_reading> readings;
    for (int i = 0; i < count; ++i) {
        const double t = 100 + i * interval_s;
        const auto ticks = static_cast<std::uint64_t>(std::llround(t * 300));
        readings.push_back(at(t, ticks - (i % 2 == 1 ? 1 : 0)));
    }
    return readings;
}
} // namespace

BOOST_AUTO_TEST_CASE(at_40_ms_a_jitter_of_one_jiffy_never_decides_at_50_ms_it_does) {
    // 40 ms: 11 jiffies fit 250 Hz (10) and 300 Hz (12) alike, 13 only 300 Hz: never two
    // in a row, so the measurement gives up after its intervals.
    BOOST_TEST(!hz_between(at(10, 1000), at(10.04, 1011)));
    const auto at_40 = jittery_300_hz(0.04, 11);
    BOOST_TEST(!judge_hz_readings(at_40, 10).hz);
    BOOST_TEST(judge_hz_readings(at_40, 10).gave_up);
    // The measuring interval: 14 and 16 jiffies both fit 300 Hz alone.
    const double interval_s = static_cast<double>(hz_measuring_interval.count()) / 1000;
    const auto verdict = judge_hz_readings(jittery_300_hz(interval_s, 3), 10);
    BOOST_TEST(verdict.hz.value_or(0) == 300U);
}

BOOST_AUTO_TEST_CASE(judging_gives_up_after_the_intervals_allowed) {
    // Readings that never agree (the count alternates between 100 Hz's and 1000 Hz's).
    std::vector<timer_list_reading> readings;
    for (std::uint64_t i = 0; i < 8; ++i) {
        readings.push_back(
            at(100 + static_cast<double>(i) * 0.05, 10000 + (i / 2) * 55 + (i % 2) * 5));
    }
    BOOST_TEST(!judge_hz_readings(std::span(readings).first(4), 4).gave_up); // 3 intervals
    const auto verdict = judge_hz_readings(std::span(readings).first(5), 4);
    BOOST_TEST(!verdict.hz);
    BOOST_TEST(verdict.gave_up);
    // Readings after the bound are not looked at, even where they would agree.
    auto late_agreement = std::vector(readings.begin(), readings.begin() + 5);
    late_agreement.push_back(at(100.25, late_agreement.back().jiffies + 12));
    late_agreement.push_back(at(100.3, late_agreement.back().jiffies + 13));
    BOOST_TEST(judge_hz_readings(late_agreement, 6).hz.value_or(0) == 250U);
    BOOST_TEST(!judge_hz_readings(late_agreement, 4).hz);
    BOOST_TEST(judge_hz_readings(late_agreement, 4).gave_up);
}

BOOST_AUTO_TEST_CASE(measuring_says_why_it_found_nothing) {
    const auto missing = lae::audit::measure_kernel_hz("/nonexistent/timer_list");
    BOOST_TEST(!missing.hz);
    BOOST_TEST(missing.source.find("/nonexistent/timer_list cannot be read") != std::string::npos,
               missing.source);
    // What container runtimes put there (a bind mount of /dev/null).
    const auto masked = lae::audit::measure_kernel_hz("/dev/null");
    BOOST_TEST(!masked.hz);
    BOOST_TEST(masked.source == "/dev/null is empty (container runtimes mask it)");
    // A file that does not move (not the kernel's) counts nothing in no time.
    char path[] = "/tmp/lae-timer-list.XXXXXX";
    const int fd = ::mkstemp(path);
    BOOST_TEST_REQUIRE(fd >= 0);
    ::close(fd);
    std::ofstream(path) << timer_list_start;
    const auto frozen = lae::audit::measure_kernel_hz(path, std::chrono::milliseconds(1));
    ::unlink(path);
    BOOST_TEST(!frozen.hz);
    BOOST_TEST(frozen.source.find("gave no two intervals in a row of 1 ms that agree") !=
                   std::string::npos,
               frozen.source);
}

// Needs root (/proc/timer_list is 0400) and a kernel configuration to compare with: the check
// machines have both (CONFIG_HZ=250 in /proc/config.gz). Elsewhere the case is reported as
// skipped, not passed.
boost::test_tools::assertion_result kernel_config_and_timer_list(boost::unit_test::test_unit_id) {
    // read_kernel_hz() itself measures when no configuration gives HZ: that would compare
    // the measurement with itself.
    const auto configured = lae::audit::read_kernel_hz();
    boost::test_tools::assertion_result ok(configured.hz.has_value() &&
                                           configured.source.find("/proc/timer_list") != 0 &&
                                           ::access("/proc/timer_list", R_OK) == 0);
    ok.message() << "no kernel configuration, or /proc/timer_list not readable";
    return ok;
}

BOOST_AUTO_TEST_CASE(measured_hz_equals_this_kernels_config_hz,
                     *boost::unit_test::precondition(kernel_config_and_timer_list)) {
    const auto configured = lae::audit::read_kernel_hz();
    const auto measured = lae::audit::measure_kernel_hz();
    BOOST_TEST(measured.hz.value_or(0) == *configured.hz, measured.source);
    BOOST_TEST(measured.source.find("/proc/timer_list (measured: ") == 0U, measured.source);
}
