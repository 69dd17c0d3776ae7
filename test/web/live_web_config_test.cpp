#define BOOST_TEST_MODULE the web configuration at work
#include "web/live_web_config.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

using namespace lae::web;
namespace fs = std::filesystem;

namespace {

const std::string users = "basic_auth_users:\n  prometheus: "
                          "'$2y$10$Jcx0EWF9aZbQe5gK7S1IJ.wJ0cOUOjjy1yN2RyBtc7M4hfJE/hkWa'\n";

// A web configuration file in its own folder, loaded as the start loads it.
struct loaded_file {
    boost::asio::io_context loop;
    fs::path folder;
    fs::path file;
    std::shared_ptr<live_web_config> web;
    std::chrono::steady_clock::time_point now = std::chrono::steady_clock::now();

    explicit loaded_file(const std::string& text) {
        std::string pattern = (fs::temp_directory_path() / "lae-live-web-config-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        folder = pattern;
        file = folder / "web.yml";
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
    loaded_file config(users);
    BOOST_TEST_REQUIRE(config.web->credentials() != nullptr);
    config.write("");
    config.next_request();
    BOOST_TEST(config.web->credentials() != nullptr);
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
