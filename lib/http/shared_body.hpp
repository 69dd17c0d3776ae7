// A Beast body whose bytes are shared, not owned: the scrapes answered from one batch point at
// one rendered exposition instead of a copy each. Read-only once made; serialised like
// string_body.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>

namespace lae::http {

struct shared_body {
    class value_type {
    public:
        value_type() = default;
        value_type(std::string text) // NOLINT: implicit, so a body is assigned a string
            : text_(std::make_shared<const std::string>(std::move(text))) {}
        value_type(std::shared_ptr<const std::string> text) : text_(std::move(text)) {} // NOLINT

        std::string_view view() const noexcept {
            return text_ ? std::string_view(*text_) : std::string_view{};
        }
        operator std::string_view() const noexcept { return view(); } // NOLINT
        std::size_t size() const noexcept { return view().size(); }
        bool empty() const noexcept { return view().empty(); }
        void clear() noexcept { text_.reset(); }
        std::size_t find(std::string_view what, std::size_t from = 0) const noexcept {
            return view().find(what, from);
        }
        bool starts_with(std::string_view what) const noexcept { return view().starts_with(what); }
        // Who else holds these bytes (tests check that a batch shares one body).
        const std::string* shared() const noexcept { return text_.get(); }

        friend bool operator==(const value_type& a, std::string_view b) noexcept {
            return a.view() == b;
        }
        friend std::ostream& operator<<(std::ostream& out, const value_type& v) {
            return out << v.view();
        }

    private:
        std::shared_ptr<const std::string> text_;
    };

    static std::uint64_t size(const value_type& body) noexcept { return body.size(); }

    class writer {
    public:
        using const_buffers_type = boost::asio::const_buffer;

        template <bool is_request, class Fields>
        writer(const boost::beast::http::header<is_request, Fields>& /*header*/,
               const value_type& body)
            : body_(body) {}

        void init(boost::beast::error_code& error) { error = {}; }

        boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& error) {
            error = {};
            const auto bytes = body_.view();
            return {{const_buffers_type(bytes.data(), bytes.size()), false}};
        }

    private:
        const value_type& body_;
    };
};

} // namespace lae::http
