#include "collectors/rules.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace lae::collectors {

using metrics::family;
using metrics::label;
using metrics::make_family;
using metrics::sample;
namespace series = metrics::series;

namespace {

// A number the kernel sent that has no name: its decimal form, so that nothing is hidden.
std::string name_or_number(std::string_view name, std::uint32_t number) {
    return name.empty() ? std::to_string(number) : std::string(name);
}

} // namespace

void rules_families(std::vector<family>& out, const audit::rule_tally& rules,
                    std::optional<double> age_seconds) {
    out.push_back(make_family(series::rules, static_cast<double>(rules.rules())));
    // Every list, action and kind auditctl can load, 0 when none is loaded (so that a
    // dashboard shows 0 rather than a gap, and "back to zero" reads as 0); then any other
    // combination the kernel sent, by number.
    std::vector<audit::rule_tally::group> groups;
    for (const std::uint32_t list : {0U, 1U, 4U, 5U, 6U, 7U}) {
        for (const std::uint32_t action : {0U, 2U}) {
            for (const auto kind : {audit::rule_kind::syscall, audit::rule_kind::watch}) {
                groups.push_back({list, action, kind, 0});
            }
        }
    }
    for (const auto& g : rules.groups()) {
        const auto same = [&g](const auto& known) {
            return known.list == g.list && known.action == g.action && known.kind == g.kind;
        };
        if (auto at = std::find_if(groups.begin(), groups.end(), same); at != groups.end()) {
            at->rules = g.rules;
        } else {
            groups.push_back(g);
        }
    }
    // The same order every scrape, whatever order the rules came in.
    std::sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) {
        return std::tie(a.list, a.action, a.kind) < std::tie(b.list, b.action, b.kind);
    });
    const auto& loaded = series::rules_loaded;
    family by_list{loaded.name, loaded.type, loaded.help, {}};
    by_list.samples.reserve(groups.size());
    for (const auto& g : groups) {
        by_list.samples.push_back(
            sample{{label{"list", name_or_number(audit::list_name(g.list), g.list)},
                    label{"action", name_or_number(audit::action_name(g.action), g.action)},
                    label{"kind", std::string(audit::kind_name(g.kind))}},
                   static_cast<double>(g.rules)});
    }
    out.push_back(std::move(by_list));

    const auto& keyed = series::rules_with_key;
    family by_key{keyed.name, keyed.type, keyed.help, {}};
    by_key.samples.reserve(rules.keys().size() + 2);
    const auto add = [&by_key](std::string value, std::uint64_t count) {
        by_key.samples.push_back(
            sample{{label{"key", std::move(value)}}, static_cast<double>(count)});
    };
    // Always present when the kernel answered, so that an alert can tell "no rules" (0)
    // from "no answer" (absent).
    add(std::string(audit::no_key_label), rules.without_key());
    for (const auto& [key, count] : rules.keys()) {
        add(key, count);
    }
    if (rules.other_keys() > 0) {
        add(std::string(audit::other_keys_label), rules.other_keys());
    }
    out.push_back(std::move(by_key));
    if (age_seconds) {
        out.push_back(make_family(series::rules_age, *age_seconds));
    }
}

rules_collector::rules_collector() : cache_(std::make_shared<cache>()) {}

std::vector<config::flag> rules_collector::flags() {
    return {
        {"rules.max-keys", "RULES_MAX_KEYS", config::collectors_group,
         "most distinct rule keys exported in linux_audit_rules_with_key, each its own "
         "series; rules with further keys are counted under key=\"(other)\" (default 512)",
         config::flag_shape::single,
         [this](const std::string& value) -> std::string {
             const auto parsed = config::parse_count(value);
             if (!parsed || *parsed > 100000) {
                 return "expected a number from 0 to 100000";
             }
             max_keys_ = *parsed;
             return {};
         }},
        {"rules.min-interval", "RULES_MIN_INTERVAL", config::collectors_group,
         "list the audit rules at most this often, e.g. 30s, answering scrapes in between "
         "from the last list, whose age linux_audit_rules_age_seconds then says; for very "
         "large rule sets (default 0: every scrape)",
         config::flag_shape::single,
         [this](const std::string& value) -> std::string {
             const auto parsed = config::parse_duration(value);
             if (!parsed || *parsed > std::chrono::hours(1)) {
                 return "expected a duration from 0s to 1h, such as 30s";
             }
             cache_->min_interval = *parsed;
             return {};
         }},
    };
}

std::vector<const metrics::descriptor*> rules_collector::families() const {
    return {&series::rules, &series::rules_loaded, &series::rules_with_key, &series::rules_age};
}

void rules_collector::open(const context& with) {
    kernel_ = &with.kernel;
    kernel_->set_rule_key_limit(max_keys_);
}

void rules_collector::collect(completion done) {
    const auto now = clock_type::now();
    const auto& c = *cache_;
    if (c.min_interval.count() > 0 && c.last && now - c.last_at < c.min_interval) {
        // Recent enough: the kernel is not asked.
        collected answer;
        rules_families(answer.families, *c.last,
                       std::chrono::duration<double>(now - c.last_at).count());
        done(std::move(answer));
        return;
    }
    kernel_->async_list_rules(
        [kept = cache_, done = std::move(done)](const lae::result<audit::rule_tally>& listed) {
            if (!listed) {
                kept->last.reset(); // never an old answer after a failed one
                done(collected{false, {}});
                return;
            }
            const auto& rules = *listed;
            collected answer;
            std::optional<double> age;
            if (kept->min_interval.count() > 0) {
                kept->last = rules;
                kept->last_at = clock_type::now();
                age = 0.0;
            }
            rules_families(answer.families, rules, age);
            done(std::move(answer));
        });
}

} // namespace lae::collectors
