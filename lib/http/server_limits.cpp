#include "http/server_limits.hpp"

#include <algorithm>
#include <string>

namespace lae::http {

std::string fit_open_files(server_limits& limits, std::uint64_t open_files) {
    const std::size_t room =
        open_files > descriptor_reserve + 1 ? open_files - descriptor_reserve : 1;
    if (limits.max_connections <= room) {
        return {};
    }
    const auto asked = limits.max_connections;
    limits.max_connections = room;
    return "at most " + std::to_string(room) + " client connections instead of " +
           std::to_string(asked) + " (--max-connections): the open-files limit is " +
           std::to_string(open_files) + " descriptors and " + std::to_string(descriptor_reserve) +
           " stay for the audit sockets, listeners, web configuration and logging, so that a "
           "full house sheds its longest-idle connection instead of failing to accept; raise "
           "the limit (LimitNOFILE= in the systemd unit, ulimit -n in a shell) for more";
}

} // namespace lae::http
