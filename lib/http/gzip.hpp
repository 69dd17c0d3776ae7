// gzip response bodies (zlib), for scrapers that send Accept-Encoding: gzip.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace lae::http {

// Compresses `data` into a complete gzip member. Returns empty on a zlib failure (the caller
// then sends the body uncompressed).
std::string gzip(std::string_view data);

// How many allocations zlib's deflate state has made so far; for tests (it is made once per
// thread and reused, not once per body).
std::uint64_t gzip_state_allocations();

// Decompresses a gzip member; for tests.
std::string gunzip(std::string_view data);

} // namespace lae::http
