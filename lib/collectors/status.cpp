#include "collectors/status.hpp"

#include "audit/kernel_hz.hpp"
#include "logging/logging.hpp"

namespace lae::collectors {

void status_families(std::vector<metrics::family>& out, const std::optional<audit::status>& status,
                     std::optional<unsigned> kernel_hz) {
    out.push_back(metrics::make_family(metrics::series::up, status ? 1 : 0));
    if (!status) {
        return;
    }
    for (const auto& s : metrics::status_catalogue()) {
        const auto& field = (*status).*(s.field);
        if (!field) {
            continue; // this kernel did not send it: absent, never zero
        }
        if (s.conversion == metrics::scale::jiffies_to_seconds) {
            if (!kernel_hz) {
                continue; // unknown HZ: no guess
            }
            out.push_back(metrics::make_family(s.about, static_cast<double>(*field) /
                                                            static_cast<double>(*kernel_hz)));
        } else {
            out.push_back(metrics::make_family(s.about, static_cast<double>(*field)));
        }
    }
}

std::vector<config::flag> status_collector::flags() {
    return {{"kernel-hz", "KERNEL_HZ", config::collectors_group,
             "the kernel's CONFIG_HZ, to turn jiffies into seconds (default: read from "
             "/proc/config.gz or /boot/config-$(uname -r), else measured from "
             "/proc/timer_list when started as root)",
             config::flag_shape::single, [this](const std::string& value) -> std::string {
                 const auto parsed = config::parse_count(value);
                 if (!parsed || *parsed == 0 || *parsed > 100000) {
                     return "expected the kernel's CONFIG_HZ, a positive number such as 100, 250 "
                            "or 1000";
                 }
                 configured_hz_ = static_cast<unsigned>(*parsed);
                 return {};
             }}};
}

std::vector<const metrics::descriptor*> status_collector::families() const {
    std::vector<const metrics::descriptor*> out{&metrics::series::up};
    for (const auto& s : metrics::status_catalogue()) {
        out.push_back(&s.about);
    }
    return out;
}

void status_collector::open(const context& with) {
    kernel_ = &with.kernel;
    const auto found = audit::find_kernel_hz(configured_hz_);
    if (found.hz) {
        logging::info("kernel HZ " + std::to_string(*found.hz) + " from " + found.source);
    } else {
        logging::warn(found.source);
    }
    kernel_hz_ = found.hz;
}

void status_collector::collect(completion done) {
    kernel_->async_get_status(
        [hz = kernel_hz_, done = std::move(done)](const lae::result<audit::status>& status) {
            collected answer{status.has_value(), {}};
            status_families(answer.families,
                            status ? std::optional<audit::status>(*status) : std::nullopt, hz);
            done(std::move(answer));
        });
}

} // namespace lae::collectors
