// Wires the pieces together: options -> logging -> event loop -> kernel client -> routes ->
// server -> signals. Everything that decides anything lives in lib/.
#include "audit/client.hpp"
#include "collectors/registry.hpp"
#include "config/options.hpp"
#include "handlers/health_handler.hpp"
#include "handlers/landing_page.hpp"
#include "handlers/metrics_handler.hpp"
#include "http/router.hpp"
#include "http/server.hpp"
#include "lae/version.hpp"
#include "logging/logging.hpp"
#include "scrape/scraper.hpp"
#include "security/privileges.hpp"
#include "service/lifecycle.hpp"
#include "web/live_web_config.hpp"

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <span>
#include <sys/resource.h>
#include <unistd.h>

namespace asio = boost::asio;
using namespace lae;

int main(int argc, char** argv) {
    collectors::registry registry; // every collector, with its flags
    const auto collector_flags = registry.flags();
    const auto parsed = config::parse(
        std::span<const char* const>(argv, static_cast<std::size_t>(argc)),
        [](const char* name) { return std::getenv(name); }, collector_flags);
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
    registry.open({context.get_executor(), kernel}); // before the drop (see there)
    scrape::scraper scraper(registry.enabled_collectors());

    http::router routes;
    routes.add(settings.metrics_path, handlers::metrics_handler(scraper));
    routes.add(settings.health_path, handlers::health_handler(kernel));
    if (settings.metrics_path != "/" && settings.health_path != "/") {
        routes.add("/", handlers::landing_page(settings.metrics_path, settings.health_path));
    }

    http::server_limits limits;
    limits.max_connections = settings.max_connections;
    limits.max_connections_per_client = settings.max_connections_per_client;
    if (rlimit open_files{};
        ::getrlimit(RLIMIT_NOFILE, &open_files) == 0 && open_files.rlim_cur != RLIM_INFINITY) {
        if (const auto lowered = http::fit_open_files(limits, open_files.rlim_cur);
            !lowered.empty()) {
            logging::warn(lowered);
        }
    }
    http::server server(context, routes, limits);
    const auto environment = [](const char* name) {
        return std::getenv(name);
    };
    if (const auto listening = settings.systemd_socket
                                   ? server.adopt_systemd_sockets(environment, ::getpid())
                                   : server.listen_all(settings.listen);
        !listening) {
        logging::error(listening.error().what);
        return EXIT_FAILURE;
    }

    // The listener is bound: nothing else needs more than CAP_AUDIT_CONTROL. This also makes
    // that capability effective when it is only permitted (a file capability), and it must
    // come before the audit socket opens: the kernel checks the capabilities the socket was
    // opened with, not only the caller's.
    logging::info(
        security::drop_privileges(server.on_privileged_port(), registry.needs_audit_read()));
    registry.start();

    // Read after the drop, with the rights every later reload has: a file the exporter cannot
    // read stops the start now instead of failing the first certificate rotation.
    const auto loaded = web::start_web_config(settings.web_config_file, context.get_executor());
    if (!loaded) {
        logging::error(loaded.error().what);
        return EXIT_FAILURE;
    }
    const auto& web = *loaded;
    if (web) {
        if (web->tls_on()) {
            server.use_tls(web);
        }
        routes.guard(web);
        logging::info("web configuration " + settings.web_config_file + ": " + web->summary());
    }
    if (const auto opened = kernel.open(); !opened) {
        logging::error("cannot open the audit netlink socket: " + opened.error().what);
    }

    server.start();
    kernel.async_get_status([&](const lae::result<audit::status>& status) {
        std::string line = std::string("linux-audit-exporter ") + version + " (revision " +
                           revision + ") listening on " + server.describe_listeners() + "; ";
        if (!status) {
            logging::warn(line + "the kernel did not answer the audit status query (" +
                          status.error().code.message() + "; see the line before for what to do)");
        } else {
            logging::info(line + "the kernel answered the audit status query (enabled " +
                          std::to_string(status->enabled.value_or(0)) + ")");
        }
    });

    // Longer than the audit timeout: a scrape waiting for a slow kernel still gets its answer.
    service::lifecycle life(context, kernel, settings.audit_timeout + std::chrono::seconds(1));
    life.add(server);
    life.add_stop([&registry] { registry.stop(); });
    if (web) {
        life.add_cut([web] { web->abandon_checks(); });
    }
    life.run(); // returns with nothing pending: everything above may now go, in any order
    logging::info("stopped");
    return EXIT_SUCCESS;
}
