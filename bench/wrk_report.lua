-- Prints wrk's summary as one JSON line (wrk's own --latency output has no p95), with the share
-- of requests over 500 ms. Given a file of paths (`wrk ... -s wrk_report.lua URL -- paths.txt`),
-- each request asks for a random path of it; otherwise every request asks for URL. A seed after
-- the file (`-- paths.txt 7`) makes each thread draw the same paths in the same order every run,
-- so that two servers measured side by side are asked for the same URLs.
local counter = 0

setup = function(thread)
  counter = counter + 1
  thread:set("id", counter)
end

init = function(args)
  if args[1] then
    paths = {}
    for line in io.lines(args[1]) do
      if #line > 0 then paths[#paths + 1] = line end
    end
    math.randomseed((tonumber(args[2]) or os.time()) * 1000 + (id or 0))
  end
end

-- Defined at the top level: wrk decides before init() whether requests are built by the script.
local static
request = function()
  if paths then return wrk.format("GET", paths[math.random(#paths)]) end
  static = static or wrk.format()
  return static
end

-- The share of requests slower than limit_us: the percentile at which latency crosses it.
local function share_over(latency, limit_us)
  if latency.max <= limit_us then return 0 end
  if latency:percentile(0.001) > limit_us then return 100 end
  local low, high = 0.001, 100
  for _ = 1, 40 do
    local mid = (low + high) / 2
    if latency:percentile(mid) > limit_us then high = mid else low = mid end
  end
  return 100 - low
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d, '
      .. '"over_500ms_pct": %.3f, "non2xx": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, share_over(latency, 500000), e.status, e.connect + e.read + e.write + e.timeout))
end
