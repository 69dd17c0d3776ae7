// The build_info collector: linux_audit_exporter_build_info{version,revision} 1.
#pragma once

#include "collectors/collector.hpp"

namespace lae::collectors {

metrics::family build_info_family();

class build_info_collector final : public collector {
public:
    std::string_view name() const noexcept override { return "build_info"; }
    bool enabled_by_default() const noexcept override { return true; }
    std::string_view help() const noexcept override {
        return "linux_audit_exporter_build_info: the exporter's version and revision";
    }
    std::vector<const metrics::descriptor*> families() const override {
        return {&metrics::series::build_info};
    }
    void collect(completion done) override { done(collected{true, {build_info_family()}}); }
};

} // namespace lae::collectors
