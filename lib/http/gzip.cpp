#include "http/gzip.hpp"

#include <array>
#include <zlib.h>

namespace lae::http {
namespace {

constexpr int gzip_window_bits = 15 + 16; // 15: the largest window; +16: gzip framing

// zlib's API takes non-const pointers for input it only reads.
Bytef* input_bytes(std::string_view data) {
    return reinterpret_cast<Bytef*>(const_cast<char*>(data.data())); // NOLINT
}

} // namespace

std::string gzip(std::string_view data) {
    z_stream stream{};
    // Level 1: an exposition of a few KiB shrinks about as well at a fraction of the CPU.
    if (deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, gzip_window_bits, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK) {
        return {};
    }
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = input_bytes(data);
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    const auto written = stream.total_out;
    deflateEnd(&stream);
    if (result != Z_STREAM_END) {
        return {};
    }
    out.resize(written);
    return out;
}

std::string gunzip(std::string_view data) {
    z_stream stream{};
    if (inflateInit2(&stream, gzip_window_bits) != Z_OK) {
        return {};
    }
    stream.next_in = input_bytes(data);
    stream.avail_in = static_cast<uInt>(data.size());
    std::string out;
    std::array<char, 16384> chunk{};
    int result = Z_OK;
    while (result == Z_OK) {
        stream.next_out = reinterpret_cast<Bytef*>(chunk.data());
        stream.avail_out = static_cast<uInt>(chunk.size());
        result = inflate(&stream, Z_NO_FLUSH);
        out.append(chunk.data(), chunk.size() - stream.avail_out);
    }
    inflateEnd(&stream);
    return result == Z_STREAM_END ? out : std::string{};
}

} // namespace lae::http
