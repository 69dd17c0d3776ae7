#include "http/server.hpp"

#include "http/connection_registry.hpp"
#include "http/session.hpp"
#include "http/socket_activation.hpp"
#include "http/tls_provider.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iterator>
#include <sys/socket.h>
#include <utility>

namespace lae::http {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using boost::system::error_code;

} // namespace

server::server(asio::io_context& context, const router& routes, server_limits limits)
    : context_(context), routes_(routes), limits_(limits),
      registry_(std::make_shared<connection_registry>(
          context.get_executor(), limits.max_connections,
          limits.max_connections_per_client != 0
              ? limits.max_connections_per_client
              : std::max<std::size_t>(1, limits.max_connections * 3 / 4),
          limits.stalled_write)) {}

server::~server() = default;

result<void> server::listen(const config::listen_address& address) {
    const std::string shown =
        (address.host.find(':') != std::string::npos ? "[" + address.host + "]" : address.host) +
        ":" + std::to_string(address.port);
    error_code error;
    tcp::endpoint endpoint;
    // Numeric addresses need no resolver: a static binary in an empty image has no NSS.
    if (const auto numeric = asio::ip::make_address(address.host, error); !error) {
        endpoint = tcp::endpoint(numeric, address.port);
    } else if (address.host == "localhost") {
        endpoint = tcp::endpoint(asio::ip::address_v4::loopback(), address.port);
    } else {
        tcp::resolver resolver(context_);
        const auto endpoints =
            resolver.resolve(address.host, std::to_string(address.port),
                             tcp::resolver::passive | tcp::resolver::numeric_service, error);
        if (error || endpoints.empty()) {
            return fail("cannot resolve listen address " + shown + ": " + error.message(), error);
        }
        endpoint = endpoints.begin()->endpoint();
    }
    error = {};
    auto& acceptor = listeners_.emplace_back(context_).acceptor;
    acceptor.open(endpoint.protocol(), error);
    if (!error) {
        acceptor.set_option(asio::socket_base::reuse_address(true), error);
    }
    if (!error && endpoint.address().is_v6()) {
        // [::] serves IPv4 too, unless an IPv4 listener has its port (0.0.0.0:9090 beside
        // [::]:9090; listen on IPv4 addresses first); a specific IPv6 address serves only
        // itself.
        const bool v4_elsewhere = std::any_of(
            listeners_.begin(), std::prev(listeners_.end()), [&](const listener& other) {
                error_code ignored;
                const auto bound = other.acceptor.local_endpoint(ignored);
                return bound.address().is_v4() && bound.port() == endpoint.port();
            });
        acceptor.set_option(asio::ip::v6_only(!endpoint.address().is_unspecified() || v4_elsewhere),
                            error);
    }
    if (!error) {
        acceptor.bind(endpoint, error);
    }
    if (!error) {
        acceptor.listen(asio::socket_base::max_listen_connections, error);
    }
    if (error) {
        listeners_.pop_back();
        return fail("cannot listen on " + shown + ": " + error.message(), error);
    }
    return {};
}

result<void> server::listen_all(std::vector<config::listen_address> addresses) {
    std::stable_partition(addresses.begin(), addresses.end(), [](const auto& address) {
        return address.host.find(':') == std::string::npos;
    });
    for (const auto& address : addresses) {
        if (auto listening = listen(address); !listening) {
            return listening;
        }
    }
    return {};
}

result<void> server::adopt_systemd_sockets(const std::function<const char*(const char*)>& lookup,
                                           pid_t self) {
    const auto sockets = systemd_sockets(lookup, self);
    if (!sockets.error.empty()) {
        return fail(sockets.error);
    }
    for (const int descriptor : sockets.descriptors) {
        if (auto adopted = adopt(descriptor); !adopted) {
            return adopted;
        }
    }
    return {};
}

result<void> server::adopt(int descriptor) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    int type = 0;
    socklen_t type_length = sizeof(type);
    int listening = 0;
    socklen_t listening_length = sizeof(listening);
    if (::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &type_length) != 0 ||
        ::getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &listening_length) != 0) {
        const int saved = errno;
        return fail("socket " + std::to_string(descriptor) +
                        " from systemd: " + std::strerror(saved),
                    error_code(saved, boost::system::system_category()));
    }
    if ((address.ss_family != AF_INET && address.ss_family != AF_INET6) || type != SOCK_STREAM ||
        listening == 0) {
        return fail("socket " + std::to_string(descriptor) +
                    " from systemd is not a listening TCP socket (use ListenStream= with an IP "
                    "address or port in the .socket unit)");
    }
    error_code error;
    auto& acceptor = listeners_.emplace_back(context_).acceptor;
    acceptor.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), descriptor, error);
    if (error) {
        listeners_.pop_back();
        return fail("socket " + std::to_string(descriptor) + " from systemd: " + error.message(),
                    error);
    }
    return {};
}

tcp::endpoint server::local_endpoint() const {
    error_code ignored;
    return listeners_.empty() ? tcp::endpoint()
                              : listeners_.front().acceptor.local_endpoint(ignored);
}

std::vector<tcp::endpoint> server::local_endpoints() const {
    std::vector<tcp::endpoint> out;
    for (const auto& one : listeners_) {
        error_code ignored;
        out.push_back(one.acceptor.local_endpoint(ignored));
    }
    return out;
}

std::string server::describe_listeners() const {
    std::string text;
    for (const auto& endpoint : local_endpoints()) {
        if (!text.empty()) {
            text += ", ";
        }
        // Appended piecewise: GCC 12 warns falsely on the operator+ chain (PR 105329).
        const bool v6 = endpoint.address().is_v6();
        if (v6) {
            text.push_back('[');
        }
        text.append(endpoint.address().to_string());
        if (v6) {
            text.push_back(']');
        }
        text.push_back(':');
        text.append(std::to_string(endpoint.port()));
    }
    return text;
}

bool server::on_privileged_port() const {
    const auto endpoints = local_endpoints();
    return std::any_of(endpoints.begin(), endpoints.end(),
                       [](const tcp::endpoint& endpoint) { return endpoint.port() < 1024; });
}

std::size_t server::connections() const {
    return registry_->size();
}

void server::start() {
    for (auto& one : listeners_) {
        accept(one);
    }
}

void server::accept(listener& where) {
    where.acceptor.async_accept([this, &where](error_code error, tcp::socket socket) {
        if (error == asio::error::operation_aborted || !where.acceptor.is_open()) {
            return;
        }
        if (error) {
            // Out of descriptors and the like: try again shortly instead of spinning.
            logging::warn("cannot accept a connection: " + error.message());
            where.retry.expires_after(std::chrono::milliseconds(100));
            where.retry.async_wait([this, &where](error_code wait_error) {
                if (!wait_error) {
                    accept(where);
                }
            });
            return;
        }
        error_code unknown;
        const auto client = socket.remote_endpoint(unknown).address();
        if (registry_->make_room(client)) {
            // A failure here (no memory for an SSL object, a TLS reload that throws) costs this
            // connection only: the listener must go on accepting.
            try {
                start_session(std::move(socket), client, tls_ ? tls_->current() : nullptr, routes_,
                              limits_, registry_);
            } catch (const std::exception& e) {
                logging::error(std::string("cannot serve a new connection: ") + e.what() +
                               "; it is closed, the exporter goes on");
                error_code ignored;
                socket.close(ignored);
            }
        } else {
            error_code ignored;
            // Every connection (or every one of this client's) is mid-request: shed the newcomer.
            socket.close(ignored);
        }
        accept(where);
    });
}

void server::use_tls(std::shared_ptr<tls_provider> tls) {
    tls_ = std::move(tls);
}

void server::close_listeners() {
    for (auto& one : listeners_) {
        error_code ignored;
        one.acceptor.close(ignored);
        one.retry.cancel();
    }
}

void server::stop(std::function<void()> on_drained) {
    close_listeners();
    registry_->stop(std::move(on_drained));
}

void server::abort() {
    close_listeners();
    registry_->abort();
}

} // namespace lae::http
