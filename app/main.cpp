// Wires the pieces together: options -> logging -> event loop -> kernel client -> routes ->
// server -> signals. Everything that decides anything lives in lib/.
#include "audit/advice.hpp"
#include "audit/client.hpp"
#include "audit/kernel_hz.hpp"
#include "config/options.hpp"
#include "handlers/health_handler.hpp"
#include "handlers/landing_page.hpp"
#include "handlers/metrics_handler.hpp"
#include "http/basic_auth.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/socket_activation.hpp"
#include "http/web_configuration.hpp"
#include "lae/version.hpp"
#include "logging/logging.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/record_collector.hpp"
#include "security/privileges.hpp"
#include "service/lifecycle.hpp"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <span>
#include <unistd.h>

namespace {

namespace asio = boost::asio;
using namespace lae;

std::string describe(const asio::ip::tcp::endpoint& endpoint) {
    // Appended piecewise: GCC 12 warns falsely on the operator+ chain (PR 105329).
    std::string text = endpoint.address().to_string();
    if (endpoint.address().is_v6()) {
        text.insert(0, 1, '[');
        text.push_back(']');
    }
    text.push_back(':');
    text.append(std::to_string(endpoint.port()));
    return text;
}

} // namespace

int main(int argc, char** argv) {
    const auto parsed =
        config::parse(std::span<const char* const>(argv, static_cast<std::size_t>(argc)),
                      [](const char* name) { return std::getenv(name); });
    switch (parsed.action) {
    case config::outcome::help:
    case config::outcome::version:
        std::cout << parsed.text;
        return EXIT_SUCCESS;
    case config::outcome::invalid:
        std::cerr << "linux-audit-exporter: " << parsed.text
                  << " (see linux-audit-exporter --help)\n";
        return 2;
    case config::outcome::run:
        break;
    }
    const auto& settings = parsed.settings;
    logging::init(settings.log_level, settings.log_format);

    asio::io_context context(1);
    audit::client kernel(context.get_executor(), settings.audit_timeout);
    kernel.set_rule_key_limit(settings.rules_max_keys);

    auto kernel_hz = settings.kernel_hz;
    if (kernel_hz) {
        logging::info("kernel HZ " + std::to_string(*kernel_hz) + " from --kernel-hz");
    } else {
        const auto lookup = audit::read_kernel_hz();
        kernel_hz = lookup.hz;
        if (kernel_hz) {
            logging::info("kernel HZ " + std::to_string(*kernel_hz) + " from " + lookup.source);
        } else {
            logging::warn(lookup.source);
        }
    }

    const metrics::process_collector process;
    std::unique_ptr<metrics::records_collector> records;
    if (settings.collector_records) {
        records = std::make_unique<metrics::records_collector>(context.get_executor(),
                                                               settings.records_max_keys);
        records->open(); // before the drop: a forced receive buffer needs CAP_NET_ADMIN
    }
    http::router routes;
    routes.add(settings.metrics_path,
               handlers::metrics_handler(kernel, process, kernel_hz, records.get(),
                                         settings.rules_min_interval));
    routes.add(settings.health_path, handlers::health_handler(kernel));
    if (settings.metrics_path != "/" && settings.health_path != "/") {
        routes.add("/", handlers::landing_page(settings.metrics_path, settings.health_path));
    }

    http::server_limits limits;
    limits.max_connections = settings.max_connections;
    http::server server(context, routes, limits);
    if (settings.systemd_socket) {
        const auto sockets =
            http::systemd_sockets([](const char* name) { return std::getenv(name); }, ::getpid());
        if (!sockets.error.empty()) {
            logging::error(sockets.error);
            return EXIT_FAILURE;
        }
        for (const int descriptor : sockets.descriptors) {
            if (const auto problem = server.adopt(descriptor); !problem.empty()) {
                logging::error(problem);
                return EXIT_FAILURE;
            }
        }
    } else {
        // IPv4 first, so that [::] beside 0.0.0.0 on one port takes only IPv6.
        auto addresses = settings.listen;
        std::stable_partition(addresses.begin(), addresses.end(), [](const auto& address) {
            return address.host.find(':') == std::string::npos;
        });
        for (const auto& address : addresses) {
            if (const auto problem = server.listen(address); !problem.empty()) {
                logging::error(problem);
                return EXIT_FAILURE;
            }
        }
    }
    std::string listening;
    bool low_port = false;
    for (const auto& endpoint : server.local_endpoints()) {
        if (!listening.empty()) {
            listening += ", ";
        }
        listening += describe(endpoint);
        low_port = low_port || endpoint.port() < 1024;
    }

    // The listener is bound: nothing else needs more than CAP_AUDIT_CONTROL. This also makes
    // that capability effective when it is only permitted (a file capability), and it must
    // come before the audit socket opens: the kernel checks the capabilities the socket was
    // opened with, not only the caller's.
    logging::info(security::drop_privileges(low_port, records != nullptr));
    if (records) {
        records->start();
    }

    // Read after the drop, with the rights every later reload has: a file the exporter cannot
    // read stops the start now instead of failing the first certificate rotation.
    std::shared_ptr<http::web_configuration> web;
    if (!settings.web_config_file.empty()) {
        web = std::make_shared<http::web_configuration>(settings.web_config_file,
                                                        context.get_executor());
        if (const auto problem = web->load(); !problem.empty()) {
            logging::error("invalid web configuration: " + problem);
            return EXIT_FAILURE;
        }
        if (web->tls_on()) {
            server.use_tls(web);
        }
        routes.guard(web);
        logging::info("web configuration " + settings.web_config_file + ": " + web->summary());
    }
    if (const auto error = kernel.open()) {
        logging::error("cannot open the audit netlink socket: " + audit::explain(error));
    }

    server.start();
    kernel.async_get_status([&](const auto& error, const audit::status& status) {
        std::string line = std::string("linux-audit-exporter ") + version + " (revision " +
                           revision + ") listening on " + listening + "; ";
        if (error) {
            logging::warn(line + "the kernel did not answer the audit status query (" +
                          error.message() + "; see the line before for what to do)");
        } else {
            logging::info(line + "the kernel answered the audit status query (enabled " +
                          std::to_string(status.enabled.value_or(0)) + ")");
        }
    });

    // Longer than the audit timeout: a scrape waiting for a slow kernel still gets its answer.
    service::lifecycle life(context, kernel, settings.audit_timeout + std::chrono::seconds(1));
    life.add(server);
    if (records) {
        life.add_stop([&records] { records->stop(); });
    }
    if (web) {
        life.add_cut([web] { web->abandon_checks(); });
    }
    life.run(); // returns with nothing pending: everything above may now go, in any order
    logging::info("stopped");
    return EXIT_SUCCESS;
}
