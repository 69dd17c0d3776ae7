#define BOOST_TEST_MODULE the web configuration at work
#include "support/log_capture.hpp"
#include "web/live_web_config.hpp"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>

using namespace lae::web;
namespace fs = std::filesystem;

namespace {

const std::string users = "basic_auth_users:\n  prometheus: "
                          "'$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa'\n";

// A self-signed certificate and its key, made by the openssl tool, dated a while ago so that
// a reload counts them as settled.
void make_certificate(const fs::path& certificate, const fs::path& key) {
    const std::string command =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
        "-subj /CN=localhost -keyout '" +
        key.string() + "' -out '" + certificate.string() + "' 2>/dev/null";
    BOOST_TEST_REQUIRE(std::system(command.c_str()) == 0, command);
    for (const auto& file : {certificate, key}) {
        fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::seconds(5));
    }
}

// A web configuration file in its own folder, loaded as the start loads it.
struct loaded_file {
    boost::asio::io_context loop;
    fs::path folder;
    fs::path file;
    std::shared_ptr<live_web_config> web;
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();

    // `prepare`, when given, makes files in the new folder and returns the text instead.
    explicit loaded_file(std::string text,
                         const std::function<std::string(const fs::path&)>& prepare = {}) {
        std::string pattern = (fs::temp_directory_path() / "lae-live-web-config-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        folder = pattern;
        file = folder / "web.yml";
        if (prepare) {
            text = prepare(folder);
        }
        write(text);
        auto started = start_web_config(file.string(), loop.get_executor());
        BOOST_TEST_REQUIRE(started.has_value(), (started ? "" : started.error().what));
        web = *started;
    }
    ~loaded_file() { fs::remove_all(folder); }
    loaded_file(const loaded_file&) = delete;
    loaded_file& operator=(const loaded_file&) = delete;

    // Rewrites the file in place, dated a while ago so that it counts as settled.
    void write(const std::string& text) {
        std::ofstream(file, std::ios::trunc) << text;
        fs::last_write_time(file, fs::file_time_type::clock::now() - std::chrono::seconds(5));
    }
    // As if the next request came some seconds later.
    void next_request() {
        now += std::chrono::seconds(11); // past the once-a-second look and the 10 s retry
        web->refresh(now);
    }
};

} // namespace

// Issue 23.4: `: > web.yml` turned authentication off at the next reload.
BOOST_AUTO_TEST_CASE(a_truncated_file_does_not_turn_authentication_off) {
    lae::test::log_capture log;
    loaded_file config(users);
    BOOST_TEST_REQUIRE(config.web->credentials() != nullptr);
    config.write("");
    config.next_request();
    BOOST_TEST(config.web->credentials() != nullptr);
    // Refused, not merely unread: the reload saw the empty file and said why it kept the old.
    BOOST_TEST(log.text().find("an empty file (truncated while being written?) needs a restart") !=
                   std::string::npos,
               log.text());
    config.write("# only a comment\n");
    config.next_request();
    BOOST_TEST(config.web->credentials() != nullptr);
}

BOOST_AUTO_TEST_CASE(a_file_cut_before_its_users_does_not_turn_authentication_off) {
    loaded_file config("http_server_config:\n  headers:\n    X-Frame-Options: deny\n" + users);
    config.write("http_server_config:\n  headers:\n    X-Frame-Options: deny\n");
    config.next_request();
    BOOST_TEST(config.web->credentials() != nullptr);
    // A reload that keeps authentication is taken: the new header shows.
    config.write("http_server_config:\n  headers:\n    X-Frame-Options: sameorigin\n" + users);
    config.next_request();
    auto answer = lae::http::make_response(lae::http::beast_http::status::ok, "text/plain", "");
    config.web->decorate(answer);
    BOOST_TEST(answer["X-Frame-Options"] == "sameorigin");
}

BOOST_AUTO_TEST_CASE(an_empty_file_is_fine_for_a_start) {
    loaded_file config("");
    BOOST_TEST(config.web->credentials() == nullptr);
    BOOST_TEST(!config.web->tls_on());
    // Adding users by a reload only tightens: taken.
    config.write(users);
    config.next_request();
    BOOST_TEST(config.web->credentials() != nullptr);
}

// Issue 23 (the fault table's certificate rotation): a reload of the certificate forgot the
// credentials already checked, so remembered scrapers went back to bcrypt (and to 429 during a
// handshake flood). The users did not change: their cache stays.
BOOST_AUTO_TEST_CASE(a_certificate_reload_keeps_the_checked_credentials) {
    fs::path folder;
    loaded_file config(std::string(), [&](const fs::path& made) {
        folder = made;
        make_certificate(made / "server.pem", made / "server.key");
        return "tls_server_config:\n  cert_file: " + (folder / "server.pem").string() +
               "\n  key_file: " + (folder / "server.key").string() +
               "\nbasic_auth_users:\n  prometheus: "
               "'$2y$04$0uOzUzJvny/12FRuN6gPVe459KCTLbRYglc5PRnzKlVYp5hE.SXYm'\n"; // s3cret
    });
    BOOST_TEST_REQUIRE(config.web->tls_on());
    const auto first_context = config.web->current();

    // `inline_answer`: decided within the call, from the cache (no bcrypt on a worker).
    const auto ask = [&](bool& inline_answer) {
        std::optional<lae::http::credential_check::decision> answer;
        auto waiting = boost::asio::make_work_guard(config.loop);
        config.web->credentials()->check("Basic cHJvbWV0aGV1czpzM2NyZXQ=", // prometheus:s3cret
                                         boost::asio::ip::make_address("192.0.2.1"),
                                         [&](lae::http::credential_check::decision d) {
                                             answer = d;
                                             waiting.reset();
                                         });
        inline_answer = answer.has_value();
        if (inline_answer) {
            waiting.reset();
        }
        config.loop.run();
        config.loop.restart();
        BOOST_TEST_REQUIRE(answer.has_value());
        return answer->outcome == lae::http::credential_check::verdict::allowed;
    };
    bool inline_answer = false;
    BOOST_TEST_REQUIRE(ask(inline_answer));
    BOOST_TEST(!inline_answer); // the first check ran bcrypt
    BOOST_TEST_REQUIRE(ask(inline_answer));
    BOOST_TEST_REQUIRE(inline_answer); // remembered

    make_certificate(folder / "server.pem", folder / "server.key"); // a rotation
    config.next_request();
    BOOST_TEST_REQUIRE(config.web->current() != first_context); // the new certificate is in
    BOOST_TEST(ask(inline_answer));
    BOOST_TEST(inline_answer); // still remembered
}
