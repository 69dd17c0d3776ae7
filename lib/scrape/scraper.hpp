// The scrape: asks every enabled collector and waits for all of them, then hands the families
// to everyone waiting. Scrapes that arrive while a batch is out join it, so the kernel is asked
// once for all of them. Adds the scrape's own series: linux_audit_scrape_duration_seconds, and
// linux_audit_exporter_collector_success / _duration_seconds{collector} for each collector.
#pragma once

#include "collectors/collector.hpp"
#include "metrics/family.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace lae::scrape {

// One batch's answer, the same for every scrape in it.
struct result {
    std::vector<metrics::family> families; // the collectors', in order, then the scrape's own
    std::uint64_t batch = 0;               // counts batches from 1: tells one from the next
    std::size_t scrapes = 0;               // how many scrapes share it
};

class scraper {
public:
    // `collectors` outlive the scraper (the registry owns them).
    explicit scraper(std::vector<collectors::collector*> collectors);

    using handler = std::function<void(const result&)>;
    // Joins the batch in flight, or starts one; `done` runs once, when every collector answered.
    void async_scrape(handler done);

private:
    struct state;
    std::shared_ptr<state> state_; // shared with the collectors' completions
};

} // namespace lae::scrape
