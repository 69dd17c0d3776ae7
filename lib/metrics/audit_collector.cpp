#include "metrics/audit_collector.hpp"

#include "lae/version.hpp"
#include "metrics/catalogue.hpp"
#include "metrics/rules_collector.hpp"

namespace lae::metrics {

void collect_audit(std::vector<family>& out, const audit_answers& answers) {
    out.push_back(make_family(series::up, answers.status ? 1 : 0));
    if (answers.status) {
        for (const auto& s : status_catalogue()) {
            const auto& field = (*answers.status).*(s.field);
            if (!field) {
                continue; // this kernel did not send it: absent, never zero
            }
            if (s.conversion == scale::jiffies_to_seconds) {
                if (!answers.kernel_hz) {
                    continue; // unknown HZ: no guess
                }
                out.push_back(make_family(s.about, static_cast<double>(*field) /
                                                       static_cast<double>(*answers.kernel_hz)));
            } else {
                out.push_back(make_family(s.about, static_cast<double>(*field)));
            }
        }
    }
    if (answers.rules) {
        out.push_back(make_family(series::rules, static_cast<double>(answers.rules->rules())));
        collect_rules(out, *answers.rules);
        if (answers.rules_age_seconds) {
            out.push_back(make_family(series::rules_age, *answers.rules_age_seconds));
        }
    }
    if (answers.features) {
        collect_features(out, *answers.features);
    }
    out.push_back(make_family(series::scrape_duration, answers.scrape_duration_seconds));
}

family build_info_family() {
    const auto& d = series::build_info;
    return family{d.name,
                  d.type,
                  d.help,
                  {sample{{label{"version", version}, label{"revision", revision}}, 1}}};
}

} // namespace lae::metrics
