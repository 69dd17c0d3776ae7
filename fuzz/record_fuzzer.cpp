// libFuzzer: any bytes as a datagram of the audit read-log stream. The splitter and the record
// parser must never read past the buffer (ASan), and keep their promises; the counts must
// stay within their cap whatever arrives.
#include "audit/record.hpp"
#include "metrics/record_counts.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span bytes(reinterpret_cast<const std::byte*>(data), size);
    const std::string_view whole(reinterpret_cast<const char*>(data), size);
    if (const auto record = lae::audit::split_record(bytes)) {
        if (record->text.size() + 16 > size) {
            std::abort(); // the text lies inside what arrived
        }
        static lae::metrics::record_counts counts(4);
        counts.count(record->type, record->text);
    }
    // The parser on the raw bytes too, without a header in front.
    const auto fields = lae::audit::parse_record(whole);
    const auto keys = fields.keys();
    if (fields.key != lae::audit::key_field::present && !keys.empty()) {
        std::abort(); // keys only when a key was found
    }
    if (keys.size() > std::max(lae::audit::max_key_bytes, size)) {
        std::abort(); // decoded keys fit their storage; quoted ones lie inside the input
    }
    lae::audit::for_each_key(keys, [](std::string_view key) {
        if (key.empty() || key.find(lae::audit::key_separator) != std::string_view::npos) {
            std::abort();
        }
    });
    return 0;
}
