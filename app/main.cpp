// Wires the pieces together: options -> logging -> event loop -> kernel client -> routes ->
// server -> signals. Everything that decides anything lives in lib/.
#include "audit/advice.hpp"
#include "audit/client.hpp"
#include "audit/kernel_hz.hpp"
#include "config/options.hpp"
#include "config/web_config.hpp"
#include "handlers/health_handler.hpp"
#include "handlers/landing_page.hpp"
#include "handlers/metrics_handler.hpp"
#include "http/basic_auth.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "http/tls.hpp"
#include "lae/version.hpp"
#include "logging/logging.hpp"
#include "metrics/process_collector.hpp"
#include "metrics/record_collector.hpp"
#include "security/privileges.hpp"
#include "service/lifecycle.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <span>

namespace {

namespace asio = boost::asio;
using namespace lae;

std::string describe(const asio::ip::tcp::endpoint& endpoint) {
    const auto address = endpoint.address();
    return (address.is_v6() ? "[" + address.to_string() + "]" : address.to_string()) + ":" +
           std::to_string(endpoint.port());
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
               handlers::metrics_handler(kernel, process, kernel_hz, records.get()));
    routes.add(settings.health_path, handlers::health_handler(kernel));
    if (settings.metrics_path != "/" && settings.health_path != "/") {
        routes.add("/", handlers::landing_page(settings.metrics_path, settings.health_path));
    }

    std::shared_ptr<http::tls_provider> tls;
    if (!settings.web_config_file.empty()) {
        const auto web = config::load_web_config(settings.web_config_file);
        if (!web.config) {
            logging::error("invalid web configuration: " + web.error);
            return EXIT_FAILURE;
        }
        for (const auto& key : web.config->ignored) {
            logging::warn("web configuration: " + key + " is accepted but not acted on");
        }
        if (web.config->tls) {
            tls = std::make_shared<http::tls_provider>(*web.config->tls);
            if (const auto problem = tls->load(); !problem.empty()) {
                logging::error("invalid web configuration: " + settings.web_config_file + ": " +
                               problem);
                return EXIT_FAILURE;
            }
        }
        if (!web.config->users.empty()) {
            routes.require(
                std::make_shared<http::basic_auth>(context.get_executor(), web.config->users));
        }
        logging::info(std::string("web configuration ") + settings.web_config_file + ": TLS " +
                      (tls ? "on" : "off") + ", basic authentication " +
                      (web.config->users.empty()
                           ? std::string("off")
                           : "for " + std::to_string(web.config->users.size()) + " user(s)"));
    }

    http::server_limits limits;
    limits.max_connections = settings.max_connections;
    http::server server(context, routes, limits);
    if (const auto problem = server.listen(settings.listen); !problem.empty()) {
        logging::error(problem);
        return EXIT_FAILURE;
    }
    if (tls) {
        server.use_tls(tls);
    }
    const auto listening = describe(server.local_endpoint());

    // The listener is bound: nothing else needs more than CAP_AUDIT_CONTROL. This also makes
    // that capability effective when it is only permitted (a file capability), and it must
    // come before the audit socket opens: the kernel checks the capabilities the socket was
    // opened with, not only the caller's.
    logging::info(
        security::drop_privileges(server.local_endpoint().port() < 1024, records != nullptr));
    if (records) {
        records->start();
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
    life.run(); // returns with nothing pending: everything above may now go, in any order
    logging::info("stopped");
    return EXIT_SUCCESS;
}
