#define BOOST_TEST_MODULE scrape
#include "collectors/collector.hpp"
#include "metrics/catalogue.hpp"
#include "metrics/exposition.hpp"
#include "scrape/scraper.hpp"

#include <boost/test/unit_test.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

using namespace lae;

namespace {

// A collector whose answer the test gives when it wants (what the kernel cannot be made to do:
// fail one query of three on demand).
class held_collector final : public collectors::collector {
public:
    explicit held_collector(std::string_view name) : name_(name) {}
    std::string_view name() const noexcept override { return name_; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override { return "test"; }
    std::vector<const metrics::descriptor*> families() const override { return {}; }
    void collect(collectors::completion done) override {
        ++asked;
        pending = std::move(done);
    }
    void answer(bool success, double value) {
        auto done = std::move(*pending);
        pending.reset();
        collectors::collected out{success, {}};
        if (success) {
            out.families.push_back(metrics::single(name_, metrics::metric_type::gauge, "h", value));
        }
        done(std::move(out));
    }

    int asked = 0;
    std::optional<collectors::completion> pending;

private:
    std::string_view name_;
};

// Answers at once, inside collect().
class instant_collector final : public collectors::collector {
public:
    std::string_view name() const noexcept override { return "instant"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override { return "test"; }
    std::vector<const metrics::descriptor*> families() const override { return {}; }
    void collect(collectors::completion done) override {
        done({true, {metrics::single("instant_value", metrics::metric_type::gauge, "h", 7)}});
    }
};

// Throws from collect(): a bug the scrape must survive.
class throwing_collector final : public collectors::collector {
public:
    std::string_view name() const noexcept override { return "broken"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override { return "test"; }
    std::vector<const metrics::descriptor*> families() const override { return {}; }
    void collect(collectors::completion) override { throw std::runtime_error("collect failed"); }
};

std::string text_of(const scrape::result& r) {
    std::string out;
    metrics::write(out, metrics::exposition_format::text, r.families);
    return out;
}

bool has_line(const std::string& text, const std::string& line) {
    return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

} // namespace

BOOST_AUTO_TEST_CASE(waits_for_every_collector_and_reports_each_ones_success) {
    held_collector first("first_value");
    held_collector second("second_value");
    instant_collector instant;
    scrape::scraper scraper({&first, &instant, &second});
    std::vector<std::string> answers;
    scraper.async_scrape([&](const scrape::result& r) { answers.push_back(text_of(r)); });
    BOOST_TEST_REQUIRE(first.pending.has_value());
    BOOST_TEST_REQUIRE(second.pending.has_value());
    second.answer(false, 0);     // a failed query
    BOOST_TEST(answers.empty()); // still waiting for the first
    first.answer(true, 3);
    BOOST_TEST_REQUIRE(answers.size() == 1U);
    const auto& text = answers[0];
    BOOST_TEST(has_line(text, "first_value 3"), text);
    BOOST_TEST(has_line(text, "instant_value 7"), text);
    BOOST_TEST(text.find("\nsecond_value ") == std::string::npos, text); // its query failed
    BOOST_TEST(
        has_line(text, R"(linux_audit_exporter_collector_success{collector="first_value"} 1)"),
        text);
    BOOST_TEST(has_line(text, R"(linux_audit_exporter_collector_success{collector="instant"} 1)"),
               text);
    BOOST_TEST(
        has_line(text, R"(linux_audit_exporter_collector_success{collector="second_value"} 0)"),
        text);
    for (const char* name : {"first_value", "instant", "second_value"}) {
        BOOST_TEST(text.find(std::string("linux_audit_exporter_collector_duration_seconds{"
                                         "collector=\"") +
                             name + "\"} ") != std::string::npos,
                   name);
    }
    BOOST_TEST(text.find("\nlinux_audit_scrape_duration_seconds ") != std::string::npos);
    // The collectors' families first, in the registry's order, then the scrape's own.
    BOOST_TEST(text.find("first_value 3") < text.find("instant_value 7"));
    BOOST_TEST(text.find("instant_value 7") < text.find("linux_audit_scrape_duration_seconds"));
}

BOOST_AUTO_TEST_CASE(scrapes_arriving_while_a_batch_is_out_join_it) {
    held_collector kernel("kernel_value");
    scrape::scraper scraper({&kernel});
    std::vector<scrape::result> answers;
    for (int i = 0; i < 3; ++i) {
        scraper.async_scrape([&](const scrape::result& r) { answers.push_back(r); });
    }
    BOOST_TEST(kernel.asked == 1); // one question for three scrapes
    kernel.answer(true, 1);
    BOOST_TEST_REQUIRE(answers.size() == 3U);
    BOOST_TEST(answers[0].batch == answers[2].batch);
    BOOST_TEST(answers[0].scrapes == 3U);

    // The next scrape is a new batch, and asks again.
    scraper.async_scrape([&](const scrape::result& r) { answers.push_back(r); });
    BOOST_TEST(kernel.asked == 2);
    kernel.answer(true, 2);
    BOOST_TEST_REQUIRE(answers.size() == 4U);
    BOOST_TEST(answers[3].batch != answers[0].batch);
    BOOST_TEST(answers[3].scrapes == 1U);
}

BOOST_AUTO_TEST_CASE(a_waiter_may_start_the_next_scrape_at_once) {
    held_collector kernel("kernel_value");
    scrape::scraper scraper({&kernel});
    int answered = 0;
    scraper.async_scrape([&](const scrape::result&) {
        ++answered;
        scraper.async_scrape([&](const scrape::result&) { ++answered; });
    });
    kernel.answer(true, 1);
    BOOST_TEST(answered == 1);
    BOOST_TEST_REQUIRE(kernel.pending.has_value()); // the second batch asked
    kernel.answer(true, 2);
    BOOST_TEST(answered == 2);
}

BOOST_AUTO_TEST_CASE(only_synchronous_collectors_or_none_answer_at_once) {
    instant_collector instant;
    scrape::scraper with_one({&instant});
    int answered = 0;
    with_one.async_scrape([&](const scrape::result& r) {
        ++answered;
        BOOST_TEST(has_line(text_of(r), "instant_value 7"));
    });
    BOOST_TEST(answered == 1);
    scrape::scraper with_none({});
    with_none.async_scrape([&](const scrape::result& r) {
        ++answered;
        BOOST_TEST(text_of(r).find("linux_audit_scrape_duration_seconds") != std::string::npos);
    });
    BOOST_TEST(answered == 2);
}

// A collector that throws once must not leave its batch open: every later scrape would join
// it and never be answered.
BOOST_AUTO_TEST_CASE(a_throwing_collector_fails_its_part_and_later_scrapes_are_answered) {
    instant_collector instant;
    throwing_collector broken;
    scrape::scraper scraper({&instant, &broken});
    int answered = 0;
    for (int round = 0; round < 3; ++round) {
        scraper.async_scrape([&](const scrape::result& r) {
            ++answered;
            const auto text = text_of(r);
            BOOST_TEST(has_line(text, "instant_value 7"));
            BOOST_TEST(
                has_line(text, "linux_audit_exporter_collector_success{collector=\"broken\"} 0"));
            BOOST_TEST(
                has_line(text, "linux_audit_exporter_collector_success{collector=\"instant\"} 1"));
        });
    }
    BOOST_TEST(answered == 3);
}
