-- wrk script for bench/http: code card verifications. Each request POSTs a
-- well-formed but wrong 6-character answer to an open code card challenge,
-- cycling over many logins (one per user) so that no user or card reaches
-- the failure lockout during the run. A wrong answer does the work of a
-- right one: load the login, challenge, user and card, open the sealed
-- cells, compare in constant time, write the failure counters and an audit
-- row, commit.
--
-- Usage: wrk ... -s verify.lua URL -- PAIRS_FILE
--   PAIRS_FILE: "LOGIN_ID CHALLENGE_ID LOGIN_SECRET" lines (api-client.mjs verify-setup);
--   the secret goes in the X-SLS-Login-Secret header.
-- At the end it prints one line per HTTP status: "verify_status CODE COUNT".

-- Crockford Base32 characters, never equal to two real cells but for a
-- chance of 2^-30 per challenge.
local kWrongAnswer = "000000"

local threads = {}
local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_index", thread_count)
  table.insert(threads, thread)
end

local requests = {}
local next_request = 0
statuses = {}

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot read " .. tostring(args[1]))
  for line in file:lines() do
    local login_id, challenge_id, secret = line:match("^(%S+)%s+(%S+)%s+(%S+)$")
    if login_id then
      local body = '{"challenge_id":"' .. challenge_id .. '","response":"' .. kWrongAnswer .. '"}'
      requests[#requests + 1] = wrk.format("POST", "/api/v1/login/" .. login_id .. "/verify",
                                           { ["Content-Type"] = "application/json",
                                             ["X-SLS-Login-Secret"] = secret }, body)
    end
  end
  file:close()
  assert(#requests > 0, "no challenges in " .. args[1])
  -- Threads start at different places in the list (golden-ratio spread,
  -- whatever the number of threads).
  next_request = math.floor(((thread_index - 1) * 0.6180339887 % 1) * #requests)
end

function request()
  next_request = next_request % #requests + 1
  return requests[next_request]
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("verify_status %d %d\n", status, count))
  end
end
