#include "http/session.hpp"

#include "http/tls_provider.hpp"
#include "logging/logging.hpp"

#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <optional>
#include <type_traits>
#include <utility>

namespace lae::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using tcp = asio::ip::tcp;
using boost::system::error_code;

constexpr std::string_view plain_text = "text/plain; charset=utf-8";

using plain_stream = beast::tcp_stream;
using tls_stream = beast::ssl_stream<beast::tcp_stream>;

// One client connection: read a request, route it, write the answer, again while kept alive.
// Stream is plain_stream or tls_stream; TLS adds a handshake first.
template <typename Stream>
class session final : public connection, public std::enable_shared_from_this<session<Stream>> {
public:
    static constexpr bool is_tls = std::is_same_v<Stream, tls_stream>;

    session(tcp::socket&& socket, const asio::ip::address& client,
            std::shared_ptr<asio::ssl::context> tls, const router& routes,
            const server_limits& limits, std::shared_ptr<connection_registry> registry)
        : client_(client), stream_(make_stream(std::move(socket), tls.get())), tls_(std::move(tls)),
          buffer_(limits.header_limit + limits.body_limit), routes_(routes), limits_(limits),
          registry_(std::move(registry)), position_(registry_->add(this, client_)) {}

    ~session() { registry_->remove(position_); }

    void start() {
        if constexpr (is_tls) {
            registry_->mark_idle(this, position_); // a silent handshake is idle too
            remember_peer(stream_.native_handle(), client_.to_string());
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
        registry_->forget_writing(position_);
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
        registry_->mark_writing(this, position_); // a client that does not read may stall it
        beast_http::async_write(
            stream_, response_,
            beast::bind_front_handler(&session::on_write, this->shared_from_this()));
    }

    void on_write(error_code error, std::size_t /*bytes*/) {
        registry_->forget_writing(position_);
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

} // namespace

void start_session(tcp::socket&& socket, const asio::ip::address& client,
                   std::shared_ptr<asio::ssl::context> tls, const router& routes,
                   const server_limits& limits, std::shared_ptr<connection_registry> registry) {
    if (tls) {
        std::make_shared<session<tls_stream>>(std::move(socket), client, std::move(tls), routes,
                                              limits, std::move(registry))
            ->start();
    } else {
        std::make_shared<session<plain_stream>>(std::move(socket), client, nullptr, routes, limits,
                                                std::move(registry))
            ->start();
    }
}

} // namespace lae::http
