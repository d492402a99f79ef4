-- wrk script for bench/load/wrk.ts. Environment (read when wrk loads the script, before any thread starts):
--   WRK_TOKENS  a file of bearer tokens, one a line: each request then POSTs a new comment as the next user;
--               without it, wrk sends its static GET (no request() is defined, so wrk never calls into Lua to build one).
--   WRK_NONCE   a prefix that keeps this run's bodies apart from any other run's on the same story.
--   WRK_EXPECT  a string every 2xx body should hold (e.g. "status":"published"); the others are counted as unexpected.
--               Without it, non2xx counts answers of status 400 and above (wrk's own count).
-- done() prints one line, `WRK_JSON {...}`, with the counts summed over threads.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Per-thread globals (each wrk thread has its own Lua state); done() reads them with thread:get.
non2xx = 0
unexpected = 0
local expect = os.getenv("WRK_EXPECT")

-- Only when a body must be checked: with a response() function wrk parses every answer's headers and body and calls
-- into Lua for each, which costs it more than a small cached answer costs the server (wrk, not the server, then
-- sets the rate). Without it, answers of 400 and above are counted by wrk itself (summary.errors.status).
if expect then
  function response(status, headers, body)
    if status < 200 or status > 299 then
      non2xx = non2xx + 1
    elseif not string.find(body, expect, 1, true) then
      unexpected = unexpected + 1
    end
  end
end

local tokenFile = os.getenv("WRK_TOKENS")
if tokenFile then
  local tokens = {}
  for line in io.lines(tokenFile) do
    if line ~= "" then table.insert(tokens, line) end
  end
  local nonce = os.getenv("WRK_NONCE") or "run"
  local words = { "council", "budget", "cycling", "fentanyl", "border", "library", "transport", "school", "market", "weather" }
  local headers = { ["Content-Type"] = "application/json" }
  local n = 0

  -- The same text shape as the earlier autocannon bodies, so moderation does the same work: unique per request
  -- (thread id + counter) or the duplicate-text rule would hold them, and the users rotate per request.
  -- wrk also calls request() once in its main Lua state to check it, where setup() gave no id.
  function request()
    n = n + 1
    local t = id or 0
    headers["Authorization"] = "Bearer " .. tokens[(n + t * 7) % #tokens + 1]
    local body = string.format('{"body":"Reader note %s-%d-%d: the %s story deserves a follow-up, item %d."}',
      nonce, t, n, words[n % #words + 1], n * 7919)
    return wrk.format("POST", nil, headers, body)
  end
end

function done(summary, latency, requests)
  local bad, odd = 0, 0
  for _, t in ipairs(threads) do
    bad = bad + t:get("non2xx")
    odd = odd + t:get("unexpected")
  end
  local e = summary.errors
  if not expect then bad = e.status end
  io.write(string.format(
    'WRK_JSON {"requests":%d,"durationUs":%d,"non2xx":%d,"unexpected":%d,"errors":%d,"timeouts":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d}\n',
    summary.requests, summary.duration, bad, odd, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
