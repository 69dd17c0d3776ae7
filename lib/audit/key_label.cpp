#include "audit/key_label.hpp"

#include <array>
#include <cstdint>

namespace lae::audit {
namespace {

// Length of the valid UTF-8 sequence at the start of `text` that is not a control
// character, or 0.
std::size_t printable_utf8_length(std::string_view text) noexcept {
    const auto byte = [&](std::size_t i) {
        return static_cast<unsigned char>(text[i]);
    };
    const unsigned char lead = byte(0);
    if (lead >= 0x20 && lead < 0x7f) {
        return 1;
    }
    std::size_t length = 0;
    std::uint32_t lowest = 0;
    if (lead >= 0xc2 && lead <= 0xdf) {
        length = 2;
        lowest = 0x80;
    } else if (lead >= 0xe0 && lead <= 0xef) {
        length = 3;
        lowest = 0x800;
    } else if (lead >= 0xf0 && lead <= 0xf4) {
        length = 4;
        lowest = 0x10000;
    } else {
        return 0; // ASCII control, DEL, a continuation byte, or never valid
    }
    if (text.size() < length) {
        return 0;
    }
    std::uint32_t code = lead & (0x7fU >> length);
    for (std::size_t i = 1; i < length; ++i) {
        if ((byte(i) & 0xc0U) != 0x80U) {
            return 0;
        }
        code = (code << 6U) | (byte(i) & 0x3fU);
    }
    const bool surrogate = code >= 0xd800 && code <= 0xdfff;
    // C1 controls (U+0080..U+009F) are escaped like the C0 ones.
    if (code < lowest || code > 0x10ffff || surrogate || code < 0xa0) {
        return 0;
    }
    return length;
}

// Bytes kept as they are at `at` of `key`, or 0 for one byte written as \xHH. A backslash
// is escaped too, so that \xHH always means an escaped byte, and so is a leading '(', so that
// a real key can never be one of the collector's own values "(none)" and "(other)" (a key
// equal to one would make two series with the same labels).
std::size_t kept_length(std::string_view key, std::size_t at) noexcept {
    if (key[at] == '\\' || (at == 0 && key[at] == '(')) {
        return 0;
    }
    return printable_utf8_length(key.substr(at));
}

bool is_clean(std::string_view key) noexcept {
    for (std::size_t at = 0; at < key.size();) {
        const auto step = kept_length(key, at);
        if (step == 0) {
            return false;
        }
        at += step;
    }
    return true;
}

} // namespace

bool key_label_is_verbatim(std::string_view key) noexcept {
    return is_clean(key);
}

std::string key_label(std::string_view key) {
    std::string out;
    out.reserve(key.size());
    for (std::size_t at = 0; at < key.size();) {
        if (const auto step = kept_length(key, at); step != 0) {
            out.append(key.substr(at, step));
            at += step;
            continue;
        }
        constexpr std::array<char, 16> hex = {'0', '1', '2', '3', '4', '5', '6', '7',
                                              '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
        const auto byte = static_cast<unsigned char>(key[at]);
        out += "\\x";
        out += hex[byte >> 4U];
        out += hex[byte & 0xfU];
        ++at;
    }
    return out;
}

} // namespace lae::audit
