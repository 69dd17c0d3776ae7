// Rule keys as label values, one promise for both key-labelled collectors: the rules
// collector (linux_audit_rules_with_key{key}) and the records collector
// (linux_audit_log_syscall_events{key}) label a key the same way, with the same values for
// "no key" and "past the cap", so that their series join on `key`.
#pragma once

#include "audit/record.hpp" // for_each_key: the key field of a rule and of a SYSCALL record

#include <cstddef>
#include <string>
#include <string_view>

namespace lae::audit {

// The label value for a rule (or a record's rule) without a key.
inline constexpr std::string_view no_key_label = "(none)";
// The label value for keys past the cap (each collector's max-keys flag).
inline constexpr std::string_view other_keys_label = "(other)";

// A key as a label value: valid UTF-8 is kept; other bytes, control characters, a backslash
// and a leading '(' become \xHH (a label value must be UTF-8, a key is any bytes, and the
// mapping must not merge two keys or meet the values "(none)" and "(other)").
std::string key_label(std::string_view key);
// Whether key_label(key) == key: most keys, labelled then without a copy.
bool key_label_is_verbatim(std::string_view key) noexcept;

// Calls `each(label)` with the key_label of every key in a key field (keys joined by
// key_separator), or once with no_key_label when it holds none (empty, or only separators).
template <typename Function> void for_each_key_label(std::string_view keys, Function&& each) {
    bool any_key = false;
    for_each_key(keys, [&](std::string_view key) {
        any_key = true;
        if (key_label_is_verbatim(key)) {
            each(key); // nearly always: no copy
        } else {
            each(std::string_view(key_label(key)));
        }
    });
    if (!any_key) {
        each(no_key_label);
    }
}

// The cap: the label a key not yet counted gets when `named` distinct keys already have their
// own: its own while fewer than `max_keys` do, else other_keys_label. The collectors' own values
// ("(none)", "(other)") never count against the cap and always keep their label.
inline std::string_view capped_key_label(std::string_view label, std::size_t named,
                                         std::size_t max_keys) noexcept {
    if (label == no_key_label || label == other_keys_label || named < max_keys) {
        return label;
    }
    return other_keys_label;
}

} // namespace lae::audit
