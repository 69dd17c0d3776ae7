// Every collector the exporter has, in one explicit list (registry.cpp), with
// --collector.X / --no-collector.X (and LINUX_AUDIT_EXPORTER_COLLECTOR_X) for each, as
// node_exporter's registerCollector makes them.
#pragma once

#include "collectors/collector.hpp"
#include "config/options.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace lae::collectors {

class registry {
public:
    registry(); // builds every collector, with its defaults; flags() changes them
    registry(const registry&) = delete;
    registry& operator=(const registry&) = delete;
    ~registry();

    // The on/off flags and every collector's own; their apply() stores into this registry.
    std::vector<config::flag> flags();

    bool enabled(std::string_view name) const;
    // Whether an enabled collector needs CAP_AUDIT_READ (collector::needs_audit_read).
    bool needs_audit_read() const;
    // The collector named `name` (enabled or not), or null.
    collector* find(std::string_view name) const;
    // The enabled collectors, in the registry's order (the exposition's).
    std::vector<collector*> enabled_collectors() const;
    // Every collector's catalogue entries, enabled or not.
    std::vector<const metrics::descriptor*> families() const;

    // open(), start() and stop() of every enabled collector.
    void open(const context& with);
    void start();
    void stop();

private:
    struct entry {
        std::unique_ptr<collector> instance;
        bool enabled;
    };
    std::vector<entry> entries_; // never grows after the constructor: flags() points into it
};

} // namespace lae::collectors
