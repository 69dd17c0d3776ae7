// The metrics route as main wires it (every default collector, a scraper), for the tests that
// serve /metrics from the real kernel. Declare it after the audit client it uses.
#pragma once

#include "audit/client.hpp"
#include "collectors/registry.hpp"
#include "config/options.hpp"
#include "handlers/metrics_handler.hpp"
#include "scrape/scraper.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <boost/test/unit_test.hpp>
#include <initializer_list>
#include <memory>
#include <vector>

namespace lae::testing {

struct metrics_route {
    collectors::registry registry;
    std::unique_ptr<scrape::scraper> scraper;

    // `flags`: as on the command line, e.g. "--rules.min-interval=1h"; HZ 250 unless given.
    metrics_route(boost::asio::any_io_executor executor, audit::client& kernel,
                  std::initializer_list<const char*> flags = {}) {
        std::vector<const char*> arguments{"linux-audit-exporter", "--kernel-hz=250"};
        arguments.insert(arguments.end(), flags);
        const auto collector_flags = registry.flags();
        const auto parsed = config::parse(
            arguments, [](const char*) -> const char* { return nullptr; }, collector_flags);
        BOOST_TEST_REQUIRE((parsed.action == config::outcome::run), parsed.text);
        registry.open({std::move(executor), kernel});
        scraper = std::make_unique<scrape::scraper>(registry.enabled_collectors());
    }

    handlers::metrics_handler handler() const { return handlers::metrics_handler(*scraper); }
};

} // namespace lae::testing
