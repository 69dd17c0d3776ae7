#include "collectors/records.hpp"

#include "audit/advice.hpp"
#include "logging/logging.hpp"

namespace lae::collectors {
namespace {

// As large a receive buffer as we may have: room for several thousand records while the event
// loop renders a scrape. Without CAP_NET_ADMIN the kernel caps it at net.core.rmem_max.
constexpr int wanted_buffer_bytes = 16 * 1024 * 1024;

} // namespace

std::vector<config::flag> records_collector::flags() {
    return {{"collector.records.max-keys", "COLLECTOR_RECORDS_MAX_KEYS", config::collectors_group,
             "most distinct rule keys the records collector labels; the rest count under "
             "key=\"(other)\" (default 512)",
             config::flag_shape::single, [this](const std::string& value) -> std::string {
                 const auto parsed = config::parse_count(value);
                 if (!parsed || *parsed == 0 || *parsed > 100000) {
                     return "expected a number from 1 to 100000";
                 }
                 max_keys_ = *parsed;
                 return {};
             }}};
}

std::vector<const metrics::descriptor*> records_collector::families() const {
    namespace series = metrics::series;
    return {&series::log_records, &series::log_syscall_events, &series::log_user_results,
            &series::log_subscribed, &series::log_overflows};
}

void records_collector::log_read_error(const boost::system::error_code& error) {
    if (!read_errors_.admit(metrics::log_throttle::clock::now())) {
        return;
    }
    const auto more = read_errors_.suppressed();
    logging::error("records collector: reading the audit read-log socket failed (" +
                   error.message() + ")" +
                   (more != 0 ? " and " + std::to_string(more) + " more times in between" : "") +
                   ": records may be missing from the linux_audit_log_ counts; it keeps "
                   "reading. If this repeats, restart the exporter, and report the error with "
                   "the kernel version (logged at most every 10 minutes)");
}

void records_collector::open(const context& with) {
    counts_.emplace(max_keys_);
    stream_.emplace(
        with.executor,
        [this](std::uint16_t type, std::string_view text) { counts_->count(type, text); },
        [this] { counts_->overflowed(); },
        [this](const boost::system::error_code& error) { log_read_error(error); });
    if (audit::outside_host_network_namespace()) {
        logging::error(
            "records collector: the exporter runs in a network namespace other than the "
            "host's, and the kernel sends audit records only to the host's: it would receive "
            "nothing, so it does not subscribe (linux_audit_log_subscribed 0; every other series "
            "works as before). Run it in the host network namespace: docker/podman "
            "--network=host; Kubernetes hostNetwork: true; systemd: no PrivateNetwork=yes (the "
            "socket-activated unit cannot use the records collector; use the plain service)");
        return;
    }
    if (const auto opened = stream_->open(wanted_buffer_bytes); !opened) {
        logging::error("records collector: cannot open its audit netlink socket: " +
                       opened.error().what);
        return;
    }
    opened_ = true;
    logging::debug("records collector: receive buffer " + std::to_string(stream_->buffer_bytes()) +
                   " bytes" + (stream_->buffer_forced() ? " (SO_RCVBUFFORCE)" : " (SO_RCVBUF)"));
}

void records_collector::start() {
    if (!opened_) {
        return;
    }
    if (const auto joined = stream_->subscribe(); !joined) {
        logging::error("records collector: " + joined.error().what +
                       "; linux_audit_log_subscribed stays 0, every other series works as "
                       "before");
        stream_->close();
        return;
    }
    subscribed_ = true;
    logging::info("records collector: reading the audit read-log group (receive buffer " +
                  std::to_string(stream_->buffer_bytes()) +
                  " bytes; the kernel sends records only to the host network namespace)");
}

void records_collector::stop() {
    if (stream_) {
        stream_->close();
    }
    subscribed_ = false;
}

void records_collector::collect(completion done) {
    // Unsubscribed (no CAP_AUDIT_READ, another network namespace), it counts nothing: a
    // failure, beside linux_audit_log_subscribed 0 (whose alert,
    // LinuxAuditRecordsCollectorUnsubscribed, tells the operator what to do).
    collected answer{subscribed_, {}};
    counts_->collect(answer.families, subscribed_);
    done(std::move(answer));
}

} // namespace lae::collectors
