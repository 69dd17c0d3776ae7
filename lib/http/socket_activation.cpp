#include "http/socket_activation.hpp"

#include <charconv>
#include <fcntl.h>
#include <string_view>

namespace lae::http {
namespace {

constexpr int first_descriptor = 3; // SD_LISTEN_FDS_START

template <typename Integer> bool number(const char* text, Integer& out) {
    if (text == nullptr) {
        return false;
    }
    const std::string_view view(text);
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), out);
    return error == std::errc{} && end == view.data() + view.size() && !view.empty();
}

} // namespace

activation_sockets systemd_sockets(const std::function<const char*(const char*)>& lookup,
                                   pid_t self) {
    activation_sockets out;
    const char* pid_text = lookup("LISTEN_PID");
    const char* count_text = lookup("LISTEN_FDS");
    if (pid_text == nullptr || count_text == nullptr) {
        out.error = "--web.systemd-socket: no sockets from systemd (LISTEN_PID and LISTEN_FDS "
                    "are not set); start the exporter through its .socket unit, or drop the "
                    "flag and give --web.listen-address";
        return out;
    }
    pid_t pid = 0;
    int count = 0;
    if (!number(pid_text, pid) || !number(count_text, count) || count < 0 || count > 64) {
        out.error = std::string("--web.systemd-socket: LISTEN_PID=") + pid_text +
                    " LISTEN_FDS=" + count_text + " are not numbers systemd would set";
        return out;
    }
    if (pid != self) {
        out.error = "--web.systemd-socket: the sockets are meant for process " +
                    std::string(pid_text) + ", not this one (" + std::to_string(self) +
                    "); a wrapper between systemd and the exporter must exec it";
        return out;
    }
    if (count == 0) {
        out.error = "--web.systemd-socket: systemd passed no socket (LISTEN_FDS=0)";
        return out;
    }
    for (int descriptor = first_descriptor; descriptor < first_descriptor + count; ++descriptor) {
        const int flags = ::fcntl(descriptor, F_GETFD);
        if (flags < 0) {
            out.error = "--web.systemd-socket: descriptor " + std::to_string(descriptor) +
                        " named by LISTEN_FDS is not open";
            out.descriptors.clear();
            return out;
        }
        ::fcntl(descriptor, F_SETFD, flags | FD_CLOEXEC);
        out.descriptors.push_back(descriptor);
    }
    return out;
}

} // namespace lae::http
