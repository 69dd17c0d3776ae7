#include "collectors/features.hpp"

namespace lae::collectors {

using metrics::family;
using metrics::label;
using metrics::sample;
namespace series = metrics::series;

void features_families(std::vector<family>& out, const audit::features& answer) {
    const std::pair<std::string_view, const std::optional<audit::feature_state>*> known[] = {
        {"loginuid_immutable", &answer.loginuid_immutable},
        {"only_unset_loginuid", &answer.only_unset_loginuid},
    };
    family enabled{series::feature_enabled.name,
                   series::feature_enabled.type,
                   series::feature_enabled.help,
                   {}};
    family locked{
        series::feature_locked.name, series::feature_locked.type, series::feature_locked.help, {}};
    for (const auto& [name, state] : known) {
        if (!*state) {
            continue; // this kernel does not have the feature
        }
        enabled.samples.push_back(
            sample{{label{"feature", std::string(name)}}, (*state)->enabled ? 1.0 : 0.0});
        locked.samples.push_back(
            sample{{label{"feature", std::string(name)}}, (*state)->locked ? 1.0 : 0.0});
    }
    out.push_back(std::move(enabled));
    out.push_back(std::move(locked));
}

std::vector<const metrics::descriptor*> features_collector::families() const {
    return {&series::feature_enabled, &series::feature_locked};
}

void features_collector::open(const context& with) {
    kernel_ = &with.kernel;
}

void features_collector::collect(completion done) {
    kernel_->async_get_features(
        [done = std::move(done)](const lae::result<audit::features>& answer) {
            collected result{answer.has_value(), {}};
            if (answer) {
                features_families(result.families, *answer);
            }
            done(std::move(result));
        });
}

} // namespace lae::collectors
