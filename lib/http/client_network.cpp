#include "http/client_network.hpp"

#include <algorithm>

namespace lae::http {

namespace asio = boost::asio;

asio::ip::address client_network(const asio::ip::address& client) {
    if (!client.is_v6()) {
        return client;
    }
    const auto v6 = client.to_v6();
    if (v6.is_v4_mapped()) {
        return asio::ip::make_address_v4(asio::ip::v4_mapped, v6);
    }
    auto bytes = v6.to_bytes();
    std::fill(bytes.begin() + 8, bytes.end(), 0);
    return asio::ip::address_v6(bytes);
}

std::string client_key(const asio::ip::address& client) {
    const auto network = client_network(client);
    return network.is_v6() ? network.to_string() + "/64" : network.to_string();
}

} // namespace lae::http
