#include "metrics/record_counts.hpp"

#include "audit/key_label.hpp"
#include "audit/record.hpp"
#include "metrics/catalogue.hpp"

#include <algorithm>

namespace lae::metrics {
namespace {

// The rules collector's values (audit/key_label.hpp), so that the two join on `key`:
// key=(null) in a record is a rule without a key.
constexpr std::string_view no_key = audit::no_key_label;
constexpr std::string_view other_value = audit::other_keys_label;
constexpr std::array<std::string_view, 3> outcome_names = {"yes", "no", "unknown"};

// Shown from the start at 0, so that rate() and increase() see the first record of each: the
// types the other two families count, and logins by either result.
constexpr std::array<std::uint16_t, 3> types_always_shown = {audit::audit_syscall, 1100, 1112};
constexpr std::array<std::uint16_t, 2> results_always_shown = {1100, 1112}; // USER_AUTH, _LOGIN

template <std::size_t N>
bool among(const std::array<std::uint16_t, N>& list, std::uint16_t type) noexcept {
    return std::find(list.begin(), list.end(), type) != list.end();
}

std::string type_label(std::uint16_t type) {
    const auto name = audit::record_type_name(type);
    return name.empty() ? std::to_string(type) : std::string(name);
}

} // namespace

record_counts::record_counts(std::size_t max_keys)
    : dense_(dense_last - dense_first + 1), max_keys_(max_keys) {
    keys_.reserve(std::min<std::size_t>(max_keys, 64) + 2);
    // Always there (0 until the cap is passed): an alert can watch it from the start.
    keys_.try_emplace(std::string(other_value));
}

void record_counts::count(std::uint16_t type, std::string_view text) {
    per_type* slot = nullptr;
    if (type >= dense_first && type <= dense_last) {
        slot = &dense_[type - dense_first];
        ++slot->records;
    } else {
        const auto found = std::find_if(other_types_.begin(), other_types_.end(),
                                        [type](const auto& entry) { return entry.first == type; });
        if (found != other_types_.end()) {
            ++found->second;
        } else if (other_types_.size() < max_other_types) {
            other_types_.emplace_back(type, 1);
        } else {
            ++types_past_cap_;
        }
    }
    // Only SYSCALL and user-space records carry what we count beyond the type: the others
    // (PATH, PROCTITLE, EOE... most of the stream) are not parsed at all.
    if (type == audit::audit_syscall) {
        const auto fields = audit::parse_record(text);
        // No success= when the task exited inside the syscall (exit, exit_group, a fatal
        // signal): the event still happened and carries its rule's key, so it counts too, or
        // the rules on exit_group would never show and the keys would not add up to the
        // SYSCALL records.
        const outcome success = fields.success == audit::success_field::yes  ? outcome_yes
                                : fields.success == audit::success_field::no ? outcome_no
                                                                             : outcome_unknown;
        if (fields.key == audit::key_field::present) {
            audit::for_each_key_label(fields.keys(),
                                      [&](std::string_view label) { bump_key(label, success); });
        } else {
            // key=(null): a rule without a key; no readable key at all (a cut record): a key
            // we cannot name, counted with the ones past the cap.
            bump_key(fields.key == audit::key_field::null ? no_key : other_value, success);
        }
    } else if (slot != nullptr && audit::is_user_record(type)) {
        const auto fields = audit::parse_record(text);
        if (fields.result != audit::result_field::absent) {
            ++slot->results[fields.result == audit::result_field::success ? 0 : 1];
        }
    }
}

void record_counts::bump_key(std::string_view label, outcome column) {
    if (const auto found = keys_.find(label); found != keys_.end()) {
        ++found->second[column];
        return;
    }
    // Past the cap, new keys share one value, as in the rules collector.
    const auto named = keys_.size() - 1 - keys_.count(no_key); // "(other)" is always there
    ++keys_.try_emplace(std::string(audit::capped_key_label(label, named, max_keys_)))
          .first->second[column];
}

void record_counts::collect(std::vector<family>& out, bool subscribed) const {
    family records{
        series::log_records.name, series::log_records.type, series::log_records.help, {}};
    family results{series::log_user_results.name,
                   series::log_user_results.type,
                   series::log_user_results.help,
                   {}};
    for (std::size_t i = 0; i < dense_.size(); ++i) {
        const auto& slot = dense_[i];
        const auto type = static_cast<std::uint16_t>(dense_first + i);
        if (slot.records == 0 && !among(types_always_shown, type)) {
            continue;
        }
        const auto name = type_label(type);
        records.samples.push_back(sample{{label{"type", name}}, static_cast<double>(slot.records)});
        // Both results of a type once either is seen, so that the first failure shows too.
        if (slot.results[0] + slot.results[1] != 0 || among(results_always_shown, type)) {
            for (std::size_t r = 0; r < slot.results.size(); ++r) {
                results.samples.push_back(
                    sample{{label{"type", name}, label{"res", r == 0 ? "success" : "failed"}},
                           static_cast<double>(slot.results[r])});
            }
        }
    }
    auto others = other_types_;
    std::sort(others.begin(), others.end());
    for (const auto& [type, value] : others) {
        records.samples.push_back(
            sample{{label{"type", type_label(type)}}, static_cast<double>(value)});
    }
    if (types_past_cap_ != 0) {
        records.samples.push_back(sample{{label{"type", std::string(other_value)}},
                                         static_cast<double>(types_past_cap_)});
    }

    family events{series::log_syscall_events.name,
                  series::log_syscall_events.type,
                  series::log_syscall_events.help,
                  {}};
    std::vector<const decltype(keys_)::value_type*> sorted;
    sorted.reserve(keys_.size());
    for (const auto& entry : keys_) {
        sorted.push_back(&entry);
    }
    std::sort(sorted.begin(), sorted.end(),
              [](const auto* a, const auto* b) { return a->first < b->first; });
    for (const auto* entry : sorted) {
        // Both outcomes of every key, so that the first failure shows in rate() too; "unknown"
        // (the task exited inside the syscall) only once seen, as only rules on exit and
        // exit_group (or tasks killed in a syscall) have it.
        for (std::size_t column = 0; column < outcomes; ++column) {
            if (column == outcome_unknown && entry->second[column] == 0) {
                continue;
            }
            events.samples.push_back(sample{
                {label{"key", entry->first}, label{"success", std::string(outcome_names[column])}},
                static_cast<double>(entry->second[column])});
        }
    }
    out.push_back(std::move(records));
    out.push_back(std::move(events));
    out.push_back(std::move(results));
    out.push_back(make_family(series::log_subscribed, subscribed ? 1 : 0));
    out.push_back(make_family(series::log_overflows, static_cast<double>(overflows_)));
}

bool log_throttle::admit(clock::time_point now) noexcept {
    if (last_ && now - *last_ < interval_) {
        ++pending_;
        return false;
    }
    last_ = now;
    suppressed_ = pending_;
    pending_ = 0;
    return true;
}

} // namespace lae::metrics
