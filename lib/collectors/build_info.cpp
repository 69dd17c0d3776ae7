#include "collectors/build_info.hpp"

#include "lae/version.hpp"

namespace lae::collectors {

metrics::family build_info_family() {
    const auto& d = metrics::series::build_info;
    return metrics::family{
        d.name,
        d.type,
        d.help,
        {metrics::sample{{metrics::label{"version", version}, metrics::label{"revision", revision}},
                         1}}};
}

} // namespace lae::collectors
