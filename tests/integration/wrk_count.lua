-- wrk script for the load tests: counts what wrk's own summary does not. wrk counts
-- only statuses >= 400 as errors; here anything but 2xx is a failure (a 3xx too), and
-- so is a 2xx whose body is not the one expected (the first argument after `--`).
-- The totals go out as one line of key=value pairs that the tests parse.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  expected = args[1]
  responses = 0
  not_2xx = 0
  wrong_body = 0
end

function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status > 299 then
    not_2xx = not_2xx + 1
  elseif expected ~= nil and body ~= expected then
    wrong_body = wrong_body + 1
  end
end

function done(summary, latency, requests)
  local sums = { responses = 0, not_2xx = 0, wrong_body = 0 }
  for _, thread in ipairs(threads) do
    for key, value in pairs(sums) do
      sums[key] = value + thread:get(key)
    end
  end
  local e = summary.errors
  io.write(string.format(
    "warpdrive-load responses=%d not_2xx=%d wrong_body=%d connect=%d read=%d write=%d "
      .. "timeout=%d status=%d requests=%d duration_us=%d latency_p99_us=%d latency_max_us=%d\n",
    sums.responses, sums.not_2xx, sums.wrong_body, e.connect, e.read, e.write, e.timeout,
    e.status, summary.requests, summary.duration, latency:percentile(99), latency.max
  ))
end
