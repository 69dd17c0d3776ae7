#include "metrics/rules_collector.hpp"

#include "metrics/catalogue.hpp"

#include <algorithm>
#include <string>
#include <tuple>

namespace lae::metrics {
namespace {

// A number the kernel sent that has no name: its decimal form, so that nothing is hidden.
std::string name_or_number(std::string_view name, std::uint32_t number) {
    return name.empty() ? std::to_string(number) : std::string(name);
}

} // namespace

void collect_rules(std::vector<family>& out, const audit::rule_tally& rules) {
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
}

void collect_features(std::vector<family>& out, const audit::features& answer) {
    const std::pair<std::string_view, const std::optional<audit::feature_state>*> known[] = {
        {"loginuid_immutable", &answer.loginuid_immutable},
        {"only_unset_loginuid", &answer.only_unset_loginuid},
    };
    family enabled{series::feature_enabled.name,
                   series::feature_enabled.type,
                   series::feature_enabled.help,
                   {}};
    family locked{
        series::feature_locked.name, series::feature_locked.type, series::feature_locked.help, {}};
    for (const auto& [name, state] : known) {
        if (!*state) {
            continue; // this kernel does not have the feature
        }
        enabled.samples.push_back(
            sample{{label{"feature", std::string(name)}}, (*state)->enabled ? 1.0 : 0.0});
        locked.samples.push_back(
            sample{{label{"feature", std::string(name)}}, (*state)->locked ? 1.0 : 0.0});
    }
    out.push_back(std::move(enabled));
    out.push_back(std::move(locked));
}

} // namespace lae::metrics
