// The status collector: the kernel's struct audit_status (AUDIT_GET) as linux_audit_up and the
// linux_audit_* status series. Its flag: --kernel-hz (jiffies to seconds).
#pragma once

#include "audit/protocol.hpp"
#include "collectors/collector.hpp"

#include <optional>

namespace lae::collectors {

// linux_audit_up, and every status series the kernel sent; `status` empty: the query failed
// (up 0, nothing else). `kernel_hz` empty: the series in seconds are left out.
void status_families(std::vector<metrics::family>& out, const std::optional<audit::status>& status,
                     std::optional<unsigned> kernel_hz);

class status_collector final : public collector {
public:
    std::string_view name() const noexcept override { return "status"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "linux_audit_up and the kernel's audit status (AUDIT_GET)";
    }
    std::vector<config::flag> flags() override;
    std::vector<const metrics::descriptor*> families() const override;
    void open(const context& with) override;
    void collect(completion done) override;

    std::optional<unsigned> configured_hz() const noexcept { return configured_hz_; }

private:
    audit::client* kernel_ = nullptr;
    std::optional<unsigned> configured_hz_; // --kernel-hz
    std::optional<unsigned> kernel_hz_;     // the one in use, once open
};

} // namespace lae::collectors
