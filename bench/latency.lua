-- wrk script: prints the figures bench/run reads, in microseconds.
function done(summary, latency, requests)
    io.write(string.format("p50_us %d\np99_us %d\nrps %.1f\nerrors %d\n", latency:percentile(50),
        latency:percentile(99), summary.requests / (summary.duration / 1e6),
        summary.errors.connect + summary.errors.read + summary.errors.write +
        summary.errors.status + summary.errors.timeout))
end
