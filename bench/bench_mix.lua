-- bench_mix.lua - wrk request mix of bench/bench.py: the GET paths listed
-- one a line in the file named by $BENCH_PATHS, each connection cycling
-- through them from its own starting point.  done() prints one line
--   BENCH requests/s p50 p95 p99 errors requests
-- (latencies in microseconds; errors = socket errors, timeouts and non-2xx
-- or 3xx answers).

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  if #line > 0 then table.insert(paths, line) end
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("start", counter * 7)
end

function init(args)
  idx = (start or 0) % #paths
end

function request()
  idx = idx % #paths + 1
  return wrk.format("GET", paths[idx])
end

function done(summary, latency, requests)
  local e = summary.errors
  local errors = e.connect + e.read + e.write + e.timeout + e.status
  io.write(string.format("BENCH %.1f %d %d %d %d %d\n",
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    errors, summary.requests))
end
