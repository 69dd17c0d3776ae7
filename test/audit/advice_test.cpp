#define BOOST_TEST_MODULE audit advice
#include "audit/advice.hpp"
#include "audit/client.hpp"
#include "audit/record_stream.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iterator>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

using boost::system::error_code;
using boost::system::system_category;
using lae::audit::explain;

BOOST_AUTO_TEST_CASE(eperm_names_the_capability_and_the_pid_namespace) {
    const auto text = explain(error_code(EPERM, system_category()));
    BOOST_TEST(text.find("CAP_AUDIT_CONTROL") != std::string::npos);
    BOOST_TEST(text.find("host PID namespace") != std::string::npos);
    BOOST_TEST(text.find("--pid=host") != std::string::npos);
    BOOST_TEST(text.find("hostPID: true") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(econnrefused_names_the_user_namespace) {
    const auto text = explain(error_code(ECONNREFUSED, system_category()));
    BOOST_TEST(text.find("initial user namespace") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(eprotonosupport_names_the_boot_option_and_the_kernel_build) {
    const auto text = explain(error_code(EPROTONOSUPPORT, system_category()));
    BOOST_TEST(text.find("booted with audit=0") != std::string::npos);
    BOOST_TEST(text.find("CONFIG_AUDIT") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(timeout_says_the_kernel_did_not_answer) {
    const auto text = explain(error_code(ETIMEDOUT, system_category()));
    BOOST_TEST(text.find("did not answer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(einval_from_socket_names_seccomp_and_the_remedy) {
    const error_code error(EINVAL, lae::audit::socket_category());
    const auto text = explain(error);
    BOOST_TEST(text.find("seccomp") != std::string::npos);
    BOOST_TEST(text.find("CAP_AUDIT_WRITE") != std::string::npos);
    BOOST_TEST(text.find("--cap-add AUDIT_WRITE") != std::string::npos);
    BOOST_TEST(text.find("keeps only CAP_AUDIT_CONTROL") != std::string::npos);
    BOOST_TEST(text.find("Invalid argument") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(einval_in_a_kernel_reply_is_not_blamed_on_seccomp) {
    const auto text = explain(error_code(EINVAL, system_category()));
    BOOST_TEST(text.find("seccomp") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(other_socket_errors_keep_their_advice) {
    const auto text = explain(error_code(EPROTONOSUPPORT, lae::audit::socket_category()));
    BOOST_TEST(text.find("CONFIG_AUDIT") != std::string::npos);
}

namespace {

// What containers/common's seccomp.json does without CAP_AUDIT_WRITE, installed for real in a
// child process: socket(AF_NETLINK, *, NETLINK_AUDIT) fails with EINVAL, nothing else changes.
bool refuse_audit_sockets_like_a_container_runtime() {
    constexpr auto arg = [](std::size_t n) {
        return static_cast<std::uint32_t>(offsetof(seccomp_data, args) + n * sizeof(std::uint64_t));
    };
    sock_filter program[] = {
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 5),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg(0)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, arg(2)),
        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_AUDIT, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EINVAL),
        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
    sock_fprog filter{static_cast<unsigned short>(std::size(program)), program};
    return prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
           prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &filter) == 0;
}

// Runs open_socket in a child under that filter; 0 when its failure is socket()'s EINVAL and
// its sentence (explain()'s) names the remedy. Exit codes say which step failed; no Boost.Test
// in the child.
int status_of_open_under_runtime_seccomp(const std::function<lae::result<void>()>& open_socket) {
    const pid_t child = fork();
    if (child < 0) {
        return -1;
    }
    if (child == 0) {
        if (!refuse_audit_sockets_like_a_container_runtime()) {
            _exit(2);
        }
        const auto opened = open_socket();
        if (opened || opened.error().code.value() != EINVAL ||
            opened.error().code.category() != lae::audit::socket_category()) {
            _exit(3);
        }
        _exit(opened.error().what.find("AUDIT_WRITE") != std::string::npos ? 0 : 4);
    }
    int status = 0;
    if (waitpid(child, &status, 0) != child || !WIFEXITED(status)) {
        return -1;
    }
    return WEXITSTATUS(status);
}

} // namespace

BOOST_AUTO_TEST_CASE(a_seccomp_refusal_reaches_the_advice_from_the_client) {
    BOOST_TEST(status_of_open_under_runtime_seccomp([] {
                   boost::asio::io_context context;
                   lae::audit::client kernel(context.get_executor(), std::chrono::seconds(1));
                   return kernel.open();
               }) == 0);
}

// The records collector opens a socket of its own: the same refusal, the same advice.
BOOST_AUTO_TEST_CASE(a_seccomp_refusal_reaches_the_advice_from_the_record_stream) {
    BOOST_TEST(status_of_open_under_runtime_seccomp([] {
                   boost::asio::io_context context;
                   lae::audit::record_stream stream(
                       context.get_executor(), [](std::uint16_t, std::string_view) {}, [] {},
                       [](const error_code&) {});
                   return stream.open(1 << 20);
               }) == 0);
}

BOOST_AUTO_TEST_CASE(anything_else_keeps_the_system_message) {
    const error_code error(EIO, system_category());
    BOOST_TEST(explain(error).find(error.message()) != std::string::npos);
}
