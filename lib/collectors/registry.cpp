#include "collectors/registry.hpp"

#include "collectors/build_info.hpp"
#include "collectors/features.hpp"
#include "collectors/process.hpp"
#include "collectors/records.hpp"
#include "collectors/rules.hpp"
#include "collectors/status.hpp"

#include <algorithm>
#include <cctype>

namespace lae::collectors {

registry::registry() {
    // The one list of collectors, in exposition order. A new collector: one line here.
    std::unique_ptr<collector> all[] = {
        std::make_unique<status_collector>(),     std::make_unique<rules_collector>(),
        std::make_unique<features_collector>(),   std::make_unique<records_collector>(),
        std::make_unique<build_info_collector>(), std::make_unique<process_collector>(),
    };
    entries_.reserve(std::size(all));
    for (auto& one : all) {
        const bool on = one->enabled_by_default();
        entries_.push_back({std::move(one), on});
    }
}

registry::~registry() = default;

std::vector<config::flag> registry::flags() {
    std::vector<config::flag> out;
    for (auto& e : entries_) {
        const std::string name(e.instance->name());
        std::string suffix = "COLLECTOR_" + name;
        std::transform(suffix.begin(), suffix.end(), suffix.begin(), [](unsigned char c) {
            return c == '.' || c == '-' ? '_' : static_cast<char>(std::toupper(c));
        });
        const auto set = [&e](bool invert) {
            return [&e, invert](const std::string& value) -> std::string {
                const auto parsed = config::parse_bool(value);
                if (!parsed) {
                    return "expected true or false";
                }
                e.enabled = *parsed != invert;
                return {};
            };
        };
        std::string help(e.instance->help());
        help += e.enabled ? " (default on; --no-collector." : " (default off; --no-collector.";
        help += name + " turns it off)";
        out.push_back({"collector." + name, suffix, config::collectors_group, help,
                       config::flag_shape::toggle, set(false), "collector." + name});
        out.push_back({"no-collector." + name, "", config::collectors_group, "",
                       config::flag_shape::toggle, set(true), "collector." + name, true});
        for (auto& f : e.instance->flags()) {
            out.push_back(std::move(f));
        }
    }
    return out;
}

bool registry::enabled(std::string_view name) const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [name](const entry& e) { return e.enabled && e.instance->name() == name; });
}

collector* registry::find(std::string_view name) const {
    const auto found = std::find_if(entries_.begin(), entries_.end(),
                                    [name](const entry& e) { return e.instance->name() == name; });
    return found == entries_.end() ? nullptr : found->instance.get();
}

std::vector<collector*> registry::enabled_collectors() const {
    std::vector<collector*> out;
    for (const auto& e : entries_) {
        if (e.enabled) {
            out.push_back(e.instance.get());
        }
    }
    return out;
}

std::vector<const metrics::descriptor*> registry::families() const {
    std::vector<const metrics::descriptor*> out;
    for (const auto& e : entries_) {
        const auto some = e.instance->families();
        out.insert(out.end(), some.begin(), some.end());
    }
    return out;
}

void registry::open(const context& with) {
    for (auto* c : enabled_collectors()) {
        c->open(with);
    }
}

void registry::start() {
    for (auto* c : enabled_collectors()) {
        c->start();
    }
}

void registry::stop() {
    for (auto* c : enabled_collectors()) {
        c->stop();
    }
}

bool registry::needs_audit_read() const {
    return std::any_of(entries_.begin(), entries_.end(),
                       [](const auto& e) { return e.enabled && e.instance->needs_audit_read(); });
}

} // namespace lae::collectors
