#include "http/gzip.hpp"

#include <array>
#include <cstdint>
#include <cstdlib>
#include <zlib.h>

namespace lae::http {
namespace {

constexpr int gzip_window_bits = 15 + 16; // 15: the largest window; +16: gzip framing

// zlib's API takes non-const pointers for input it only reads.
Bytef* input_bytes(std::string_view data) {
    return reinterpret_cast<Bytef*>(const_cast<char*>(data.data())); // NOLINT
}

} // namespace

namespace {

std::uint64_t state_allocations = 0;

void* counted_alloc(void* /*opaque*/, uInt items, uInt size) {
    ++state_allocations;
    return std::calloc(items, size);
}
void counted_free(void* /*opaque*/, void* address) {
    std::free(address);
}

// One deflate state per thread (the event loop's), reset for each body: deflateInit2 at
// windowBits 15 and memLevel 8 allocates about 256 KiB (a 32 KiB window twice over, a 64 KiB
// hash and a 64 KiB buffer), which per scrape was the largest allocation on the scrape path.
// A smaller window would compress bodies beyond it worse; keeping the state costs 256 KiB once.
struct deflater {
    z_stream stream{};
    bool ready = false;
    deflater() {
        stream.zalloc = counted_alloc;
        stream.zfree = counted_free;
        // Level 1: an exposition of a few KiB shrinks about as well at a fraction of the CPU.
        ready = deflateInit2(&stream, Z_BEST_SPEED, Z_DEFLATED, gzip_window_bits, 8,
                             Z_DEFAULT_STRATEGY) == Z_OK;
    }
    ~deflater() {
        if (ready) {
            deflateEnd(&stream);
        }
    }
    deflater(const deflater&) = delete;
    deflater& operator=(const deflater&) = delete;
};

} // namespace

std::uint64_t gzip_state_allocations() {
    return state_allocations;
}

std::string gzip(std::string_view data) {
    thread_local deflater d;
    if (!d.ready || deflateReset(&d.stream) != Z_OK) {
        return {};
    }
    z_stream& stream = d.stream;
    std::string out(deflateBound(&stream, static_cast<uLong>(data.size())), '\0');
    stream.next_in = input_bytes(data);
    stream.avail_in = static_cast<uInt>(data.size());
    stream.next_out = reinterpret_cast<Bytef*>(out.data());
    stream.avail_out = static_cast<uInt>(out.size());
    const int result = deflate(&stream, Z_FINISH);
    const auto written = stream.total_out;
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
