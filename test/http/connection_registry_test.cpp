#define BOOST_TEST_MODULE http connection registry
#include "http/connection_registry.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>
#include <chrono>
#include <list>

using namespace lae::http;
using boost::asio::ip::make_address;

namespace {

// A connection that only notes it was closed, and leaves the registry's lists as a session does.
struct fake_connection final : connection {
    connection_registry& registry;
    connection_registry::position where;
    bool closed = false;
    fake_connection(connection_registry& r, const char* client)
        : registry(r), where(r.add(this, make_address(client))) {}
    ~fake_connection() { registry.remove(where); }
    fake_connection(const fake_connection&) = delete;
    fake_connection& operator=(const fake_connection&) = delete;
    void close() override {
        registry.forget_idle(where);
        registry.forget_writing(where);
        closed = true;
    }
};

struct fixture {
    explicit fixture(std::chrono::milliseconds stalled_after = std::chrono::hours(1))
        : registry(loop.get_executor(), 4, 3, stalled_after) {}
    boost::asio::io_context loop;
    connection_registry registry;
    std::list<fake_connection> connections;
    fake_connection& open(const char* client) { return connections.emplace_back(registry, client); }
};

} // namespace

BOOST_FIXTURE_TEST_CASE(a_full_house_of_busy_connections_refuses, fixture) {
    for (const char* client : {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.4"}) {
        open(client);
    }
    BOOST_TEST(!registry.make_room(make_address("192.0.2.9")));
}

BOOST_FIXTURE_TEST_CASE(idle_goes_first_then_a_stalled_writer, fixture) {
    auto& writer = open("192.0.2.1");
    auto& idle = open("192.0.2.2");
    open("192.0.2.3");
    open("192.0.2.4");
    registry.mark_writing(&writer, writer.where);
    registry.mark_idle(&idle, idle.where);
    BOOST_TEST(registry.make_room(make_address("192.0.2.9")));
    BOOST_TEST(idle.closed);
    BOOST_TEST(!writer.closed);
    // A write that began just now is not stalled yet (an hour is "just now" here, whatever
    // the machine's load): a newcomer waits rather than cut it.
    BOOST_TEST(!registry.make_room(make_address("192.0.2.9")));
    BOOST_TEST(!writer.closed);
}

// With no grace at all, the same writer counts as stalled and makes room.
BOOST_AUTO_TEST_CASE(a_stalled_writer_makes_room_when_nothing_is_idle) {
    fixture f(std::chrono::milliseconds(0));
    auto& writer = f.open("192.0.2.1");
    f.open("192.0.2.2");
    f.open("192.0.2.3");
    f.open("192.0.2.4");
    f.registry.mark_writing(&writer, writer.where);
    BOOST_TEST(f.registry.make_room(make_address("192.0.2.9")));
    BOOST_TEST(writer.closed);
}

BOOST_FIXTURE_TEST_CASE(one_address_holds_its_share_only, fixture) {
    auto& first = open("192.0.2.1");
    auto& second = open("192.0.2.1");
    open("192.0.2.1");
    registry.mark_idle(&second, second.where);
    BOOST_TEST(registry.from(make_address("192.0.2.1")) == 3U);
    // Another address finds room (the house has 4).
    BOOST_TEST(registry.make_room(make_address("192.0.2.2")));
    BOOST_TEST(!second.closed);
    // The same address gives up one of its own places: its idle one.
    BOOST_TEST(registry.make_room(make_address("192.0.2.1")));
    BOOST_TEST(second.closed);
    BOOST_TEST(!first.closed);
    // None of its own can go: refused, even with room in the house.
    BOOST_TEST(!registry.make_room(make_address("192.0.2.1")));
}

// One IPv6 host speaks from any address of its /64: rotating them buys it no more places.
BOOST_FIXTURE_TEST_CASE(an_ipv6_slash_64_is_one_client, fixture) {
    open("2001:db8:1:2::1");
    open("2001:db8:1:2::2");
    auto& third = open("2001:db8:1:2:ffff::3");
    registry.mark_idle(&third, third.where);
    BOOST_TEST(registry.from(make_address("2001:db8:1:2::99")) == 3U);
    BOOST_TEST(registry.from(make_address("2001:db8:1:3::1")) == 0U); // another /64
    // A fourth address of that /64 must give up one of its own places (the idle one).
    BOOST_TEST(registry.make_room(make_address("2001:db8:1:2::4")));
    BOOST_TEST(third.closed);
    // And an IPv4-mapped address is its IPv4 client.
    open("192.0.2.7");
    BOOST_TEST(registry.from(make_address("::ffff:192.0.2.7")) == 1U);
}
