-- wrk script for bench/answer_endpoint.py. Arguments after `--`: MODE LIMIT PREFIX
--   MODE    create: POST one whole answer per request (a new Idempotency-Key each time)
--           mix:    POST the first answer ("finished": false), then PATCH the rest of that
--                   response ("finished": true), alternating, as the survey form does
--   LIMIT   requests per thread, then only a GET that stores nothing (0: no limit), so
--           requests in flight when wrk stops cannot add rows nobody counted
--   PREFIX  makes every key of the run unique
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1] or "create"
  limit = tonumber(args[2]) or 0
  prefix = args[3] or "run"
  counter, ok, bad = 0, 0, 0
  pending = {}  -- ids of responses created in mix mode, waiting for their PATCH
  base = nil
  wrk.headers["Content-Type"] = "application/json"
end

local function key()
  return prefix .. "-" .. id .. "-" .. counter
end

function request()
  counter = counter + 1
  if limit > 0 and counter > limit then
    return wrk.format("GET", "/drained-nothing-stored", {}, "")
  end
  base = base or wrk.path
  local score = counter % 11
  wrk.headers["Idempotency-Key"] = key()
  if mode == "mix" and #pending > 0 then
    local rid = table.remove(pending, 1)
    local body = '{"answers": {"nps_comment": "Delivery took ' .. score ..
      ' days, fine I guess", "ease": 5}, "timings": {"ease": 2100}, "finished": true}'
    return wrk.format("PATCH", base .. "/" .. rid, nil, body)
  end
  if mode == "mix" then
    return wrk.format("POST", base, nil,
      '{"answers": {"nps": ' .. score .. '}, "timings": {"nps": 3200}, "finished": false}')
  end
  return wrk.format("POST", base, nil,
    '{"answers": {"nps": ' .. score .. ', "nps_comment": "Delivery took ' .. score ..
    ' days, fine I guess"}}')
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
    if mode == "mix" and status == 201 then
      local rid = body:match('"id": ?"([%x-]+)"')
      if rid then table.insert(pending, rid) end
    end
  elseif status ~= 404 or limit == 0 then
    bad = bad + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_bad = 0, 0
  for _, t in ipairs(threads) do
    total_ok = total_ok + t:get("ok")
    total_bad = total_bad + t:get("bad")
  end
  io.write(string.format(
    "RESULT ok=%d bad=%d errors=%d p50_us=%d p99_us=%d requests=%d seconds=%.3f\n",
    total_ok, total_bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration / 1e6))
end
