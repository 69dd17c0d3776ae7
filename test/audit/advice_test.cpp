#define BOOST_TEST_MODULE audit advice
#include "audit/advice.hpp"

#include <boost/test/unit_test.hpp>
#include <cerrno>

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

BOOST_AUTO_TEST_CASE(eprotonosupport_names_the_kernel_build) {
    const auto text = explain(error_code(EPROTONOSUPPORT, system_category()));
    BOOST_TEST(text.find("CONFIG_AUDIT") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(timeout_says_the_kernel_did_not_answer) {
    const auto text = explain(error_code(ETIMEDOUT, system_category()));
    BOOST_TEST(text.find("did not answer") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(anything_else_keeps_the_system_message) {
    const error_code error(EIO, system_category());
    BOOST_TEST(explain(error).find(error.message()) != std::string::npos);
}
