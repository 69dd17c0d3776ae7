#define BOOST_TEST_MODULE systemd socket activation
#include "http/socket_activation.hpp"

#include <boost/test/unit_test.hpp>
#include <map>
#include <string>
#include <unistd.h>

using lae::http::systemd_sockets;

namespace {
auto environment(std::map<std::string, std::string> values) {
    return [values = std::move(values)](const char* name) -> const char* {
        const auto found = values.find(name);
        return found == values.end() ? nullptr : found->second.c_str();
    };
}
} // namespace

BOOST_AUTO_TEST_CASE(unset_variables_say_what_to_do) {
    const auto result = systemd_sockets(environment({}), 42);
    BOOST_TEST(result.descriptors.empty());
    BOOST_TEST(result.error.find("--web.listen-address") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(sockets_for_another_process_are_not_taken) {
    const auto result =
        systemd_sockets(environment({{"LISTEN_PID", "41"}, {"LISTEN_FDS", "1"}}), 42);
    BOOST_TEST(result.descriptors.empty());
    BOOST_TEST(result.error.find("process 41") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(malformed_and_zero_counts_are_refused) {
    BOOST_TEST(!systemd_sockets(environment({{"LISTEN_PID", "42"}, {"LISTEN_FDS", "x"}}), 42)
                    .error.empty());
    BOOST_TEST(!systemd_sockets(environment({{"LISTEN_PID", "42"}, {"LISTEN_FDS", "0"}}), 42)
                    .error.empty());
}

BOOST_AUTO_TEST_CASE(descriptors_from_three) {
    // Descriptors 3 and 4 exist in this process once we open them (0-2 are the standard ones).
    int pipe_ends[2] = {-1, -1};
    BOOST_TEST_REQUIRE(::pipe(pipe_ends) == 0);
    const pid_t self = ::getpid();
    const auto first = std::min(pipe_ends[0], pipe_ends[1]);
    if (first != 3) {
        ::close(pipe_ends[0]);
        ::close(pipe_ends[1]);
        return; // the test runner holds descriptor 3: nothing to check here
    }
    const auto result = systemd_sockets(
        environment({{"LISTEN_PID", std::to_string(self)}, {"LISTEN_FDS", "2"}}), self);
    BOOST_TEST(result.error.empty(), result.error);
    BOOST_TEST((result.descriptors == std::vector<int>{3, 4}));
    ::close(pipe_ends[0]);
    ::close(pipe_ends[1]);
    const auto closed = systemd_sockets(
        environment({{"LISTEN_PID", std::to_string(self)}, {"LISTEN_FDS", "2"}}), self);
    BOOST_TEST(closed.error.find("not open") != std::string::npos);
}
