// The features collector: the kernel's audit features (AUDIT_GET_FEATURE) as
// linux_audit_feature_enabled{feature} and linux_audit_feature_locked{feature}.
#pragma once

#include "audit/features.hpp"
#include "collectors/collector.hpp"

namespace lae::collectors {

void features_families(std::vector<metrics::family>& out, const audit::features& answer);

class features_collector final : public collector {
public:
    std::string_view name() const noexcept override { return "features"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "the kernel's audit features, set and locked (AUDIT_GET_FEATURE)";
    }
    std::vector<const metrics::descriptor*> families() const override;
    void open(const context& with) override;
    void collect(completion done) override;

private:
    audit::client* kernel_ = nullptr;
};

} // namespace lae::collectors
