// One JSON string escaper, for every place that writes JSON (log records, health answers).
#pragma once

#include <string>
#include <string_view>

namespace lae::text {

// Appends `value` as a JSON string, quotes included: \" \\ \n \r \t, other control bytes as
// \u00XX. Also a valid logfmt quoted value.
void append_json_string(std::string& out, std::string_view value);

} // namespace lae::text
