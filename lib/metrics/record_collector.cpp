#include "metrics/record_collector.hpp"

#include "audit/advice.hpp"
#include "audit/record.hpp"
#include "logging/logging.hpp"
#include "metrics/catalogue.hpp"

#include <algorithm>

namespace lae::metrics {
namespace {

constexpr std::string_view null_key = "(null)";
constexpr std::string_view other_value = "(other)";
// As large a receive buffer as we may have: room for several thousand records while the event
// loop renders a scrape. Without CAP_NET_ADMIN the kernel caps it at net.core.rmem_max.
constexpr int wanted_buffer_bytes = 16 * 1024 * 1024;

// Label values must be UTF-8; a key with other bytes is shown in hex, as the kernel sent it.
bool valid_utf8(std::string_view text) noexcept {
    std::size_t i = 0;
    while (i < text.size()) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        if (byte < 0x80) {
            length = 1;
        } else if (byte >= 0xC2 && byte <= 0xDF) {
            length = 2;
        } else if (byte >= 0xE0 && byte <= 0xEF) {
            length = 3;
        } else if (byte >= 0xF0 && byte <= 0xF4) {
            length = 4;
        } else {
            return false;
        }
        if (i + length > text.size()) {
            return false;
        }
        for (std::size_t j = 1; j < length; ++j) {
            if ((static_cast<unsigned char>(text[i + j]) & 0xC0) != 0x80) {
                return false;
            }
        }
        const auto second = length > 1 ? static_cast<unsigned char>(text[i + 1]) : 0;
        if ((byte == 0xE0 && second < 0xA0) || (byte == 0xED && second > 0x9F) ||
            (byte == 0xF0 && second < 0x90) || (byte == 0xF4 && second > 0x8F)) {
            return false; // overlong, surrogate or beyond U+10FFFF
        }
        i += length;
    }
    return true;
}

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
        if (fields.success == audit::success_field::absent) {
            return; // no exit recorded: not a finished syscall event
        }
        const bool success = fields.success == audit::success_field::yes;
        if (fields.key == audit::key_field::present) {
            audit::for_each_key(fields.keys(),
                                [&](std::string_view key) { count_key(key, success); });
        } else {
            // key=(null): a rule without a key; no readable key at all (a cut record): a key
            // we cannot name, counted with the ones past the cap.
            bump_key(fields.key == audit::key_field::null ? null_key : other_value, success);
        }
    } else if (slot != nullptr && audit::is_user_record(type)) {
        const auto fields = audit::parse_record(text);
        if (fields.result != audit::result_field::absent) {
            ++slot->results[fields.result == audit::result_field::success ? 0 : 1];
        }
    }
}

void record_counts::count_key(std::string_view key, bool success) {
    if (valid_utf8(key)) {
        bump_key(key, success);
        return;
    }
    std::array<char, 2 * audit::max_key_bytes> hex; // filled up to `length` below
    constexpr std::string_view digits = "0123456789ABCDEF";
    std::size_t length = 0;
    for (const char c : key.substr(0, audit::max_key_bytes)) {
        const auto byte = static_cast<unsigned char>(c);
        hex[length++] = digits[byte >> 4];
        hex[length++] = digits[byte & 0xF];
    }
    bump_key(std::string_view(hex.data(), length), success);
}

void record_counts::bump_key(std::string_view label, bool success) {
    const std::size_t column = success ? 0 : 1;
    if (const auto found = keys_.find(label); found != keys_.end()) {
        ++found->second[column];
        return;
    }
    // Past the cap, new keys share one value; "(other)" itself never counts against it.
    const auto kept = keys_.size() - 1 < max_keys_ ? label : other_value;
    ++keys_.try_emplace(std::string(kept)).first->second[column];
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
        // Both outcomes of every key, so that the first failure shows in rate() too.
        for (std::size_t column = 0; column < 2; ++column) {
            events.samples.push_back(
                sample{{label{"key", entry->first}, label{"success", column == 0 ? "yes" : "no"}},
                       static_cast<double>(entry->second[column])});
        }
    }
    out.push_back(std::move(records));
    out.push_back(std::move(events));
    out.push_back(std::move(results));
    out.push_back(make_family(series::log_subscribed, subscribed ? 1 : 0));
    out.push_back(make_family(series::log_overflows, static_cast<double>(overflows_)));
}

records_collector::records_collector(boost::asio::any_io_executor executor, std::size_t max_keys)
    : counts_(max_keys),
      stream_(
          executor,
          [this](std::uint16_t type, std::string_view text) { counts_.count(type, text); },
          [this] { counts_.overflowed(); }) {}

void records_collector::open() {
    if (const auto error = stream_.open(wanted_buffer_bytes)) {
        logging::error("records collector: cannot open its audit netlink socket: " +
                       audit::explain(error));
        return;
    }
    opened_ = true;
    logging::debug("records collector: receive buffer " + std::to_string(stream_.buffer_bytes()) +
                   " bytes" + (stream_.buffer_forced() ? " (SO_RCVBUFFORCE)" : " (SO_RCVBUF)"));
}

void records_collector::start() {
    if (!opened_) {
        return;
    }
    if (const auto error = stream_.subscribe()) {
        logging::error("records collector: cannot join the audit read-log group (" +
                       error.message() +
                       "): it needs CAP_AUDIT_READ (systemd: add CAP_AUDIT_READ to "
                       "AmbientCapabilities= and CapabilityBoundingSet=; docker: --cap-add "
                       "AUDIT_READ; Kubernetes: capability AUDIT_READ); "
                       "linux_audit_log_subscribed stays 0, every other series works as "
                       "before");
        stream_.close();
        return;
    }
    subscribed_ = true;
    logging::info("records collector: reading the audit read-log group (receive buffer " +
                  std::to_string(stream_.buffer_bytes()) +
                  " bytes; the kernel sends records only to the host network namespace)");
}

void records_collector::stop() {
    stream_.close();
    subscribed_ = false;
}

void records_collector::collect(std::vector<family>& out) const {
    counts_.collect(out, subscribed_);
}

} // namespace lae::metrics
