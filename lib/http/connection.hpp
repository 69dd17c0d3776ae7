// What the connection registry can do to any connection, plain or TLS: close it.
#pragma once

namespace lae::http {

class connection {
public:
    connection() = default;
    connection(const connection&) = delete;
    connection& operator=(const connection&) = delete;
    virtual void close() = 0;

protected:
    ~connection() = default;
};

} // namespace lae::http
