#include "http/server.hpp"

#include "http/socket_activation.hpp"
#include "http/tls.hpp"
#include "logging/logging.hpp"

#include <algorithm>
#include <boost/asio/ip/v6_only.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <cerrno>
#include <cstring>
#include <exception>
#include <iterator>
#include <list>
#include <optional>
#include <sys/socket.h>
#include <type_traits>
#include <utility>

namespace lae::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view plain_text = "text/plain; charset=utf-8";

} // namespace

// What the registry can do to any connection, plain or TLS.
class connection {
public:
    connection() = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    virtual void close() = 0;

protected:
    ~connection() = default;
};

// Who is connected, and which connections wait idle for a request (oldest first), so that a
// full house sheds the longest-idle connection rather than the new scrape. Shared by the
// server and its sessions, so that either may go first.
class connection_registry {
public:
    connection_registry(asio::any_io_executor executor, std::size_t limit)
        : executor_(std::move(executor)), limit_(limit) {}

    std::size_t size() const { return all_.size(); }
    bool stopping() const { return stopping_; }

    struct position {
        std::list<connection*>::iterator all;
        std::list<connection*>::iterator idle;
    };
    position add(connection* who) { return {all_.insert(all_.end(), who), idle_.end()}; }
    // Called from a session's destructor: bookkeeping only. The drain callback is posted, never
    // run from here: a destructor may run while the event loop and its owners are going away.
    void remove(position& where) {
        forget_idle(where);
        all_.erase(where.all);
        if (stopping_ && all_.empty() && on_drained_) {
            asio::post(executor_, std::exchange(on_drained_, nullptr));
        }
    }
    void mark_idle(connection* who, position& where) {
        forget_idle(where);
        where.idle = idle_.insert(idle_.end(), who);
    }
    void forget_idle(position& where) {
        if (where.idle != idle_.end()) {
            idle_.erase(where.idle);
            where.idle = idle_.end();
        }
    }
    // Makes room for one more connection; false when every connection is busy.
    bool make_room();
    void stop(std::function<void()> on_drained);
    // Closes every connection, busy or not; their sessions end as their operations complete.
    void abort();

private:
    asio::any_io_executor executor_;
    std::size_t limit_;
    bool stopping_ = false;
    std::list<connection*> all_;
    std::list<connection*> idle_;
    std::function<void()> on_drained_;
};

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One client connection: read a request, route it, write the answer, again while kept alive.
// Stream is plain_stream or tls_stream; TLS adds a handshake first.
template <typename Stream>
class session final : public connection, public std::enable_shared_from_this<session<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    session(tcp::socket&& socket, std::shared_ptr<asio::ssl::context> tls, const router& routes,
            const server_limits& limits, std::shared_ptr<connection_registry> registry)
        : client_(peer_address(socket)), stream_(make_stream(std::move(socket), tls.get())),
          tls_(std::move(tls)), buffer_(limits.header_limit + limits.body_limit), routes_(routes),
          limits_(limits), registry_(std::move(registry)), position_(registry_->add(this)) {}

    ~session() { registry_->remove(position_); }

    void start() {
        if constexpr (is_tls) {
            registry_->mark_idle(this, position_); // a silent handshake is idle too
            error_code unknown;
            remember_peer(stream_.native_handle(),
                          lowest().socket().remote_endpoint(unknown).address().to_string());
            lowest().expires_after(limits_.read_timeout);
            stream_.async_handshake(
                asio::ssl::stream_base::server,
                beast::bind_front_handler(&session::on_handshake, this->shared_from_this()));
        } else {
            read_request();
        }
    }

    // Closes the connection; the pending read completes with an error and the session ends.
    void close() override {
        registry_->forget_idle(position_);
        error_code ignored;
        lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
        lowest().close();
    }

private:
    // How long and how much a connection we are ending may still send us: enough for the
    // rest of a request we refused, not a way to hold a slot.
    static constexpr std::chrono::milliseconds linger_time{1000};
    static constexpr std::size_t linger_bytes = 256 * 1024;

    static Stream make_stream(tcp::socket&& socket, asio::ssl::context* tls) {
        if constexpr (is_tls) {
            return Stream(std::move(socket), *tls);
        } else {
            (void)tls;
            return Stream(std::move(socket));
        }
    }
    beast::tcp_stream& lowest() { return beast::get_lowest_layer(stream_); }
    static asio::ip::address peer_address(const tcp::socket& socket) {
        error_code ignored;
        return socket.remote_endpoint(ignored).address();
    }

    void on_handshake(error_code error) {
        registry_->forget_idle(position_);
        if (error) {
            // Plain bytes on the TLS port, a client certificate refused, a timeout.
            logging::debug("TLS handshake failed: " + error.message());
            close();
            return;
        }
        read_request();
    }

    void read_request() {
        if (registry_->stopping()) {
            close();
            return;
        }
        registry_->mark_idle(this, position_);
        parser_.emplace();
        parser_->header_limit(limits_.header_limit);
        parser_->body_limit(limits_.body_limit);
        lowest().expires_after(first_request_ ? limits_.read_timeout : limits_.idle_timeout);
        beast_http::async_read(
            stream_, buffer_, *parser_,
            beast::bind_front_handler(&session::on_read, this->shared_from_this()));
    }

    void on_read(error_code error, std::size_t /*bytes*/) {
        registry_->forget_idle(position_);
        first_request_ = false;
        if (error == beast_http::error::end_of_stream || error == beast::error::timeout ||
            error == asio::error::operation_aborted) {
            close();
            return;
        }
        if (error) {
            answer_malformed(error);
            return;
        }
        request_ = parser_->release();
        head_ = request_.method() == beast_http::verb::head;
        keep_alive_ = request_.keep_alive();
        http10_ = request_.version() < 11;
        lowest().expires_never(); // the handler bounds its own wait (the audit query timeout)
        routes_.route(
            request_,
            [self = this->shared_from_this()](response answer) {
                self->write_response(std::move(answer));
            },
            client_);
    }

    // Ends a connection after its last answer so that the answer arrives: closing a socket
    // with unread bytes (the rest of a refused request, a pipelined one) makes the kernel
    // send a reset, which can destroy the answer before the client reads it. So: TLS
    // close_notify, or for plain TCP our FIN first, then take what the client still sends for
    // a moment, then close.
    void end_gracefully() {
        registry_->forget_idle(position_);
        lowest().expires_after(linger_time);
        if constexpr (is_tls) {
            stream_.async_shutdown([self = this->shared_from_this()](error_code) {
                self->close(); // whether the client answered close_notify or not
            });
        } else {
            error_code ignored;
            lowest().socket().shutdown(tcp::socket::shutdown_send, ignored);
            buffer_.consume(buffer_.size());
            drain();
        }
    }

    void drain() {
        lowest().async_read_some(buffer_.prepare(4096), [self = this->shared_from_this()](
                                                            error_code error, std::size_t bytes) {
            self->drained_ += bytes;
            // The client's FIN, the linger time (a timeout), or enough bytes: done.
            if (error || self->drained_ >= linger_bytes || self->registry_->stopping()) {
                self->close();
                return;
            }
            self->drain();
        });
    }

    // A request we could not parse gets one 4xx answer and the connection closes, since the
    // rest of the byte stream can no longer be trusted.
    void answer_malformed(const error_code& error) {
        const bool protocol_error =
            error.category() ==
                beast_http::make_error_code(beast_http::error::header_limit).category() ||
            error == asio::error::message_size;
        if (!protocol_error) {
            close(); // a network error, not a protocol one: nobody to answer
            return;
        }
        auto status = beast_http::status::bad_request;
        if (error == beast_http::error::header_limit ||
            error == beast_http::error::buffer_overflow || error == asio::error::message_size) {
            status = beast_http::status::request_header_fields_too_large;
        } else if (error == beast_http::error::body_limit) {
            status = beast_http::status::payload_too_large;
        }
        keep_alive_ = false;
        head_ = false;
        auto answer = make_response(status, plain_text,
                                    std::to_string(static_cast<unsigned>(status)) + " " +
                                        std::string(beast_http::obsolete_reason(status)) + "\n");
        routes_.decorate(answer); // the configured headers go on every answer
        write_response(std::move(answer));
    }

    void write_response(response answer) {
        response_ = std::move(answer);
        response_.version(11);
        const bool keep = keep_alive_ && !registry_->stopping();
        response_.keep_alive(keep);
        if (keep && http10_) {
            // An HTTP/1.0 client keeps the connection only when told so in so many words.
            response_.set(beast_http::field::connection, "keep-alive");
        }
        response_.prepare_payload();
        if (head_) {
            response_.body().clear(); // Content-Length stays that of the GET answer
        }
        lowest().expires_after(limits_.write_timeout);
        beast_http::async_write(
            stream_, response_,
            beast::bind_front_handler(&session::on_write, this->shared_from_this()));
    }

    void on_write(error_code error, std::size_t /*bytes*/) {
        if (error) {
            close();
            return;
        }
        if (!response_.keep_alive()) {
            end_gracefully();
            return;
        }
        response_ = {}; // free the body before waiting for the next request
        read_request();
    }

    asio::ip::address client_; // before stream_: read from the socket before it moves in
    Stream stream_;
    std::shared_ptr<asio::ssl::context> tls_; // kept alive while the connection uses it
    beast::flat_buffer buffer_;
    const router& routes_;
    server_limits limits_;
    std::shared_ptr<connection_registry> registry_;
    connection_registry::position position_;
    std::optional<beast_http::request_parser<beast_http::string_body>> parser_;
    request request_;
    response response_;
    bool first_request_ = true;
    bool http10_ = false;
    std::size_t drained_ = 0;
    bool head_ = false;
    bool keep_alive_ = true;
};

bool connection_registry::make_room() {
    if (all_.size() < limit_) {
        return true;
    }
    if (idle_.empty()) {
        return false;
    }
    // The front waited longest; closing it makes its session end on its own soon after.
    connection* oldest = idle_.front();
    oldest->close();
    return true;
}

void connection_registry::stop(std::function<void()> on_drained) {
    stopping_ = true;
    on_drained_ = std::move(on_drained);
    while (!idle_.empty()) {
        idle_.front()->close(); // close() takes it off the idle list
    }
    if (all_.empty() && on_drained_) {
        asio::post(executor_, std::exchange(on_drained_, nullptr));
    }
}

void connection_registry::abort() {
    stopping_ = true;
    for (auto* who : all_) {
        who->close(); // takes it off the idle list, not off this one (its destructor does)
    }
}

server::server(asio::io_context& context, const router& routes, server_limits limits)
    : context_(context), routes_(routes), limits_(limits),
      registry_(
          std::make_shared<connection_registry>(context.get_executor(), limits.max_connections)) {}

server::~server() = default;

std::string server::listen(const config::listen_address& address) {
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
            return "cannot resolve listen address " + shown + ": " + error.message();
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
        return "cannot listen on " + shown + ": " + error.message();
    }
    return {};
}

std::string server::listen_all(std::vector<config::listen_address> addresses) {
    std::stable_partition(addresses.begin(), addresses.end(), [](const auto& address) {
        return address.host.find(':') == std::string::npos;
    });
    for (const auto& address : addresses) {
        if (auto problem = listen(address); !problem.empty()) {
            return problem;
        }
    }
    return {};
}

std::string server::adopt_systemd_sockets(const std::function<const char*(const char*)>& lookup,
                                          pid_t self) {
    const auto sockets = systemd_sockets(lookup, self);
    if (!sockets.error.empty()) {
        return sockets.error;
    }
    for (const int descriptor : sockets.descriptors) {
        if (auto problem = adopt(descriptor); !problem.empty()) {
            return problem;
        }
    }
    return {};
}

std::string server::adopt(int descriptor) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    int type = 0;
    socklen_t type_length = sizeof(type);
    int listening = 0;
    socklen_t listening_length = sizeof(listening);
    if (::getsockname(descriptor, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::getsockopt(descriptor, SOL_SOCKET, SO_TYPE, &type, &type_length) != 0 ||
        ::getsockopt(descriptor, SOL_SOCKET, SO_ACCEPTCONN, &listening, &listening_length) != 0) {
        return "socket " + std::to_string(descriptor) + " from systemd: " + std::strerror(errno);
    }
    if ((address.ss_family != AF_INET && address.ss_family != AF_INET6) || type != SOCK_STREAM ||
        listening == 0) {
        return "socket " + std::to_string(descriptor) +
               " from systemd is not a listening TCP socket (use ListenStream= with an IP "
               "address or port in the .socket unit)";
    }
    error_code error;
    auto& acceptor = listeners_.emplace_back(context_).acceptor;
    acceptor.assign(address.ss_family == AF_INET6 ? tcp::v6() : tcp::v4(), descriptor, error);
    if (error) {
        listeners_.pop_back();
        return "socket " + std::to_string(descriptor) + " from systemd: " + error.message();
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
        if (registry_->make_room()) {
            // A failure here (no memory for an SSL object, a TLS reload that throws) costs this
            // connection only: the listener must go on accepting.
            try {
                if (tls_) {
                    std::make_shared<session<tls_stream>>(std::move(socket), tls_->current(),
                                                          routes_, limits_, registry_)
                        ->start();
                } else {
                    std::make_shared<session<plain_stream>>(std::move(socket), nullptr, routes_,
                                                            limits_, registry_)
                        ->start();
                }
            } catch (const std::exception& e) {
                logging::error(std::string("cannot serve a new connection: ") + e.what() +
                               "; it is closed, the exporter goes on");
                error_code ignored;
                socket.close(ignored);
            }
        } else {
            error_code ignored;
            socket.close(ignored); // every connection is mid-request: shed the newcomer
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
