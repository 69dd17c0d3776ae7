// libFuzzer: any bytes as what a client sends. They go through Beast's request parser with
// the server's limits, and whatever parses goes through the router to handlers that answer
// at once; every request must get exactly one answer with a status in 200..599.
#include "http/router.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <cstdlib>

namespace {

namespace bh = boost::beast::http;

const lae::http::router& routes() {
    static const lae::http::router instance = [] {
        lae::http::router r;
        auto answer = [](const lae::http::request&, const lae::http::responder& respond) {
            respond(lae::http::make_response(bh::status::ok, "text/plain", "ok\n"));
        };
        r.add("/metrics", answer);
        r.add("/healthz", answer);
        r.add("/", answer);
        return r;
    }();
    return instance;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    boost::asio::const_buffer input(data, size);
    // As the server reads: request after request (pipelining) until the bytes run out.
    for (int requests = 0; requests < 64 && input.size() > 0; ++requests) {
        bh::request_parser<bh::string_body> parser;
        parser.header_limit(8 * 1024);
        parser.body_limit(16 * 1024);
        parser.eager(true);
        boost::system::error_code error;
        const auto used = parser.put(input, error);
        if (error || !parser.is_done()) {
            return 0; // the server answers 4xx and closes, or waits for more bytes
        }
        input += used;
        int answers = 0;
        routes().route(parser.get(), [&answers](lae::http::response res) {
            ++answers;
            if (res.result_int() < 200 || res.result_int() > 599) {
                std::abort();
            }
        });
        if (answers != 1) {
            std::abort();
        }
        if (used == 0) {
            break;
        }
    }
    return 0;
}
