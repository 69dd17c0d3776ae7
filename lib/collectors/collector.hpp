// The collector interface: one collector per source of series (the kernel's audit status, its
// rules, its features, the record stream, the process, the build), each in its own file pair
// here and named once in registry.cpp. A collector declares its name, its default, its flags
// and its families; the scrape (lib/scrape) asks every enabled one and waits for all.
#pragma once

#include "audit/client.hpp"
#include "config/options.hpp"
#include "metrics/catalogue.hpp"
#include "metrics/family.hpp"

#include <boost/asio/any_io_executor.hpp>
#include <functional>
#include <string_view>
#include <vector>

namespace lae::collectors {

// What the collectors may use once the flags are read.
struct context {
    boost::asio::any_io_executor executor;
    audit::client& kernel;
};

// One collector's answer to one scrape. `success` false: its query failed (the log says why);
// it reports linux_audit_exporter_collector_success{collector} 0, and its families hold only
// what it can still say (linux_audit_up 0, say).
struct collected {
    bool success = true;
    std::vector<metrics::family> families;
};
using completion = std::function<void(collected)>;

class collector {
public:
    collector() = default;
    collector(const collector&) = delete;
    collector& operator=(const collector&) = delete;
    virtual ~collector() = default;

    // The X of --collector.X, LINUX_AUDIT_EXPORTER_COLLECTOR_X and collector="X".
    virtual std::string_view name() const noexcept = 0;
    virtual bool enabled_by_default() const noexcept = 0;
    // What it exports, for --collector.X's help.
    virtual std::string_view help() const noexcept = 0;
    // Whether it reads the audit record stream, and so needs CAP_AUDIT_READ as well as
    // CAP_AUDIT_CONTROL (the capabilities are dropped to what the enabled collectors need).
    virtual bool needs_audit_read() const noexcept { return false; }
    // Its own flags; their apply() stores into the collector, which outlives the parse.
    virtual std::vector<config::flag> flags() { return {}; }
    // The catalogue entries of the families it exports (the README table lists them all).
    virtual std::vector<const metrics::descriptor*> families() const = 0;

    // Enabled collectors only: after the flags, before privileges are dropped (a socket that
    // needs more than CAP_AUDIT_CONTROL opens here); start() after the drop; stop() at shutdown.
    virtual void open(const context&) {}
    virtual void start() {}
    virtual void stop() {}

    // One scrape: calls `done` once, at once (synchronous collectors) or when its query is
    // answered. May be called again only after `done` ran (the scrape batches).
    virtual void collect(completion done) = 0;
};

} // namespace lae::collectors
