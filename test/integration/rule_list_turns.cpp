// rule_list_turns: lists the loaded audit rules once with the exporter's own client, on an
// event loop as a scrape does, while another handler asks for a turn again and again. Prints
//   rules N          rules the list counted
//   longest_turn N   most datagrams the client read in one turn of the loop
//   other_turns N    turns the other handler got while the list was being read
// rules.sh runs it with 10,000 rules loaded: a list must not hold the loop for all of them
// (HTTP sessions wait meanwhile), whatever the machine's speed.
#include "audit/client.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <cstdio>

int main() {
    namespace asio = boost::asio;
    asio::io_context loop;
    lae::audit::client kernel(loop.get_executor(), std::chrono::seconds(60));
    bool listed = false;
    int status = 1;
    std::uint64_t rules = 0;
    kernel.async_list_rules([&](const lae::result<lae::audit::rule_tally>& tally) {
        listed = true;
        if (!tally) {
            std::fprintf(stderr, "listing the rules failed: %s\n",
                         tally.error().code.message().c_str());
            return;
        }
        rules = tally->rules();
        status = 0;
    });
    std::uint64_t other_turns = 0;
    auto other = [&](auto& self) -> void {
        if (!listed) {
            ++other_turns;
            asio::post(loop, [&self] { self(self); });
        }
    };
    asio::post(loop, [&other] { other(other); });
    loop.run();
    std::printf("rules %llu\nlongest_turn %zu\nother_turns %llu\n",
                static_cast<unsigned long long>(rules), kernel.longest_turn(),
                static_cast<unsigned long long>(other_turns));
    return status;
}
