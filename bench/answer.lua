-- wrk script: POST an answer with a unique Idempotency-Key per request, count 2xx replies.
local counter = 0
local threads = {}
local prefix = tostring(math.random(1, 1e9))

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- Optional argument: answers per thread. After that many, the thread only sends a GET that
-- stores nothing, so requests still in flight when wrk stops cannot add uncounted rows.
function init(args)
  ok = 0
  bad = 0
  limit = tonumber(args[1]) or 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  if limit > 0 and counter > limit then
    return wrk.format("GET", "/drained-nothing-stored", {}, "")
  end
  wrk.headers["Idempotency-Key"] = prefix .. "-" .. id .. "-" .. counter
  local score = counter % 11
  wrk.body = '{"answers": {"nps": ' .. score .. ', "nps_comment": "Delivery took ' .. score .. ' days, fine I guess"}}'
  return wrk.format()
end

function response(status, headers, body)
  if status >= 200 and status < 300 then ok = ok + 1
  elseif status ~= 404 or limit == 0 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local total_ok, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
  end
  io.write(string.format("RESULT ok=%d bad=%d errors=%d p50_us=%d p99_us=%d requests=%d seconds=%.3f\n",
    total_ok, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6))
end
