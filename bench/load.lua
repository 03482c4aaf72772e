-- The request mix for `bench/load.py --loader wrk`: each wrk thread cycles through the requests
-- that load.py wrote to a Lua data file, from its own offset, and counts what it sent by
-- category and what came back by status and reply kind. done() prints one `LOAD {json}` line
-- that load.py reads.
--
--   wrk -t2 -c16 -d60s -s bench/load.lua http://127.0.0.1:PORT -- MIX_FILE
--
-- Runs end by wrk's own -d: stopping threads early with thread:stop() gave latency outliers of
-- several seconds here, so load.py turns a request budget into a duration instead.

local threads = {}
local next_offset = 0

function setup(thread)
  thread:set("offset", next_offset)
  next_offset = next_offset + 7919 -- a prime, so threads start far apart in the mix
  table.insert(threads, thread)
end

local raw, category = {}, {}
local i = 0
-- Globals, so that done() can read them through thread:get().
sent, statuses, kinds = {}, {}, {}

function init(args)
  local mix = dofile(args[1])
  for _, r in ipairs(mix) do
    table.insert(raw, wrk.format(r.method, r.path, r.headers, r.body))
    table.insert(category, r.category)
  end
  i = (offset or 0) % #raw
end

function request()
  i = i % #raw + 1
  local c = category[i]
  sent[c] = (sent[c] or 0) + 1
  return raw[i]
end

function response(status, headers, body)
  local s = tostring(status)
  statuses[s] = (statuses[s] or 0) + 1
  if status == 200 then
    local kind = body:match('"kind":%s*"(%a+)"') or "none"
    kinds[kind] = (kinds[kind] or 0) + 1
  end
end

local function add(into, from)
  for k, v in pairs(from or {}) do
    into[k] = (into[k] or 0) + v
  end
end

local function json_object(t)
  local parts = {}
  for k, v in pairs(t) do
    table.insert(parts, string.format('"%s": %d', k, v))
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function done(summary, latency, requests)
  local all_sent, all_statuses, all_kinds = {}, {}, {}
  for _, thread in ipairs(threads) do
    add(all_sent, thread:get("sent"))
    add(all_statuses, thread:get("statuses"))
    add(all_kinds, thread:get("kinds"))
  end
  local e = summary.errors
  io.write(string.format(
    'LOAD {"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"timeout": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "sent": %s, '
    .. '"statuses": %s, "kinds": %s}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    json_object(all_sent), json_object(all_statuses), json_object(all_kinds)))
end
