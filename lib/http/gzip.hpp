// gzip response bodies (zlib), for scrapers that send Accept-Encoding: gzip.
#pragma once

#include <string>
#include <string_view>

namespace lae::http {

// Compresses `data` into a complete gzip member. Returns empty on a zlib failure (the caller
// then sends the body uncompressed).
std::string gzip(std::string_view data);

// Decompresses a gzip member; for tests.
std::string gunzip(std::string_view data);

} // namespace lae::http
