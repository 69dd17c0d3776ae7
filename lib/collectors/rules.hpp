// The rules collector: the loaded audit rules (AUDIT_LIST_RULES) as linux_audit_rules,
// linux_audit_rules_loaded{list,action,kind} and linux_audit_rules_with_key{key} (keys
// labelled as audit/key_label.hpp says, so that they join the records collector's). Its flags:
// --rules.max-keys (the client applies it while counting) and --rules.min-interval (a cache:
// scrapes in between are answered from the last list, with linux_audit_rules_age_seconds).
#pragma once

#include "audit/rules.hpp"
#include "collectors/collector.hpp"

#include <chrono>
#include <memory>
#include <optional>

namespace lae::collectors {

// The families of one rule list; `age_seconds` set with --rules.min-interval.
void rules_families(std::vector<metrics::family>& out, const audit::rule_tally& rules,
                    std::optional<double> age_seconds = std::nullopt);

class rules_collector final : public collector {
public:
    rules_collector();
    std::string_view name() const noexcept override { return "rules"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "the loaded audit rules by list, action, kind and key (AUDIT_LIST_RULES)";
    }
    std::vector<config::flag> flags() override;
    std::vector<const metrics::descriptor*> families() const override;
    void open(const context& with) override;
    void collect(completion done) override;

    std::size_t max_keys() const noexcept { return max_keys_; }
    std::chrono::milliseconds min_interval() const noexcept { return cache_->min_interval; }

private:
    using clock_type = std::chrono::steady_clock;
    // Shared with a query in flight, which may complete after the collector is gone.
    struct cache {
        std::chrono::milliseconds min_interval{0}; // 0: list the rules for every scrape
        // The last rule list, kept only with --rules.min-interval (a tally: bounded by the key
        // cap, not by the number of rules).
        std::optional<audit::rule_tally> last;
        clock_type::time_point last_at;
    };
    audit::client* kernel_ = nullptr;
    std::size_t max_keys_ = audit::rule_tally::default_max_keys;
    std::shared_ptr<cache> cache_;
};

} // namespace lae::collectors
