-- One Haven operation for wrk: method, path, bearer token and body come from the
-- environment (haven/bench/http.py sets them). "{seq}" in the path or the body
-- becomes a counter starting at BENCH_SEQ, so every flag names a new comment.
-- done() prints one line, "BENCHJSON {...}", with throughput, latency
-- percentiles (microseconds) and a count per HTTP status.

local method = os.getenv("BENCH_METHOD") or "GET"
local path = os.getenv("BENCH_PATH") or "/"
local body = os.getenv("BENCH_BODY")
local token = os.getenv("BENCH_TOKEN")
local seq = tonumber(os.getenv("BENCH_SEQ") or "0")
local threads = {}

statuses = {}

function setup(thread)
  table.insert(threads, thread)
end

request = function()
  seq = seq + 1
  local headers = {}
  if token and token ~= "" then
    headers["Authorization"] = "Bearer " .. token
  end
  local b = nil
  if body and body ~= "" then
    headers["Content-Type"] = "application/json"
    b = string.gsub(body, "{seq}", tostring(seq))
  end
  return wrk.format(method, string.gsub(path, "{seq}", tostring(seq)), headers, b)
end

response = function(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

done = function(summary, latency, requests)
  local counts = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do
      counts[k] = (counts[k] or 0) + v
    end
  end
  local parts = {}
  for k, v in pairs(counts) do
    table.insert(parts, string.format('"%s": %d', k, v))
  end
  io.write(string.format(
    'BENCHJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, '
      .. '"p99_us": %d, "socket_errors": %d, "statuses": {%s}}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    table.concat(parts, ", ")))
end
