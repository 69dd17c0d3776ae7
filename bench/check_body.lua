-- wrk script: counts responses whose body is a complete, successful exposition.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    complete = 0
    incomplete = 0
    marker = args[1] or "linux_audit_up 1"
end

function response(status, headers, body)
    if status == 200 and body:find(marker, 1, true) and body:find("linux_audit_backlog_limit ", 1, true)
        and body:find("linux_audit_rate_limit ", 1, true) and body:sub(-1) == "\n" then
        complete = complete + 1
    else
        incomplete = incomplete + 1
    end
end

function done(summary, latency, requests)
    local c, i = 0, 0
    for _, thread in ipairs(threads) do
        c = c + thread:get("complete")
        i = i + thread:get("incomplete")
    end
    io.write(string.format("complete %d\nincomplete %d\n", c, i))
    io.write(string.format("p50_us %d\np99_us %d\nrps %.1f\n", latency:percentile(50),
        latency:percentile(99), summary.requests / (summary.duration / 1e6)))
end
