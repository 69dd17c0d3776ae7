#define BOOST_TEST_MODULE audit record stream
// Runs against the real kernel: joins the read-log group (CAP_AUDIT_READ, the host network
// namespace) and makes its own records: AUDIT_USER_AVC, the one user-space record the kernel
// emits even while audit is disabled (CAP_AUDIT_WRITE), so the machine's audit state is not
// touched. The kernel also prints them to its log when no audit daemon is registered.
#include "audit/record_stream.hpp"
#include "support/log_capture.hpp"

#include <array>
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstring>
#include <linux/netlink.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace lae::audit;
using namespace std::chrono_literals;

namespace {

constexpr std::uint16_t audit_user_avc = 1107;

// Sends one AUDIT_USER_AVC record with `text` as its message, and waits for the kernel's ack.
bool send_user_avc(const std::string& text) {
    const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
    if (fd < 0) {
        return false;
    }
    std::array<char, 512> datagram{};
    auto* header = reinterpret_cast<nlmsghdr*>(datagram.data());
    header->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(text.size() + 1));
    header->nlmsg_type = audit_user_avc;
    header->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    header->nlmsg_seq = 1;
    std::memcpy(datagram.data() + NLMSG_HDRLEN, text.c_str(), text.size() + 1);
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    bool acked = ::sendto(fd, datagram.data(), header->nlmsg_len, 0,
                          reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) > 0;
    if (acked) {
        std::array<char, 512> reply{};
        const auto size = ::recv(fd, reply.data(), reply.size(), 0);
        const auto* answer = reinterpret_cast<const nlmsghdr*>(reply.data());
        acked = size >= static_cast<ssize_t>(NLMSG_LENGTH(sizeof(nlmsgerr))) &&
                answer->nlmsg_type == NLMSG_ERROR &&
                reinterpret_cast<const nlmsgerr*>(reply.data() + NLMSG_HDRLEN)->error == 0;
    }
    ::close(fd);
    return acked;
}

// Runs the loop as service::lifecycle does (an exception that escapes a handler is counted,
// the loop runs on) until `done` or a bound of 5 s.
template <typename Done> int run_until(boost::asio::io_context& context, Done done) {
    int escaped = 0;
    const auto bound = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < bound) {
        context.restart();
        try {
            context.run_for(20ms);
        } catch (const std::exception&) {
            ++escaped;
        }
    }
    return escaped;
}

} // namespace

BOOST_AUTO_TEST_CASE(a_throwing_record_handler_does_not_stop_the_reading) {
    lae::test::log_capture log;

    // Marked with this process's PID, so records other tests make at the same time do not
    // count.
    const std::string marker = "lae-record-stream-test-" + std::to_string(::getpid()) + "-";
    int seen = 0;
    boost::asio::io_context context;
    record_stream stream(
        context.get_executor(),
        [&](std::uint16_t type, std::string_view text) {
            if (type != audit_user_avc || text.find(marker) == std::string_view::npos) {
                return;
            }
            if (++seen == 1) {
                throw std::runtime_error("a record handler's own bug");
            }
        },
        [] {}, [](const boost::system::error_code&) {});
    const auto opened = stream.open(1 << 20);
    BOOST_TEST_REQUIRE(opened.has_value(), opened.error().what);
    const auto joined = stream.subscribe();
    BOOST_TEST_REQUIRE(joined.has_value(), joined.error().what);

    BOOST_TEST_REQUIRE(send_user_avc(marker + "1"));
    const int escaped = run_until(context, [&] { return seen >= 1; });
    BOOST_TEST_REQUIRE(seen == 1); // the test can fail: the record arrived, and the handler threw
    BOOST_TEST_REQUIRE(send_user_avc(marker + "2"));
    run_until(context, [&] { return seen >= 2; });
    stream.close();

    BOOST_TEST(seen == 2);
    BOOST_TEST(escaped == 0); // reported by the stream, not thrown across the event loop
    BOOST_TEST_MESSAGE(log.text());
    BOOST_TEST(log.text().find("bug in the exporter: the audit record handler threw (a record "
                               "handler's own bug)") != std::string::npos);
}
