-- Votes from wrk, each request a browser never seen before (bench/votes.py runs it).
--
--   wrk -t N -c N -s bench/votes.lua <server> -- <votes per thread> <vote path> <filler path> <choice id>...
--
-- One connection per thread, so that request() and response() come in pairs:
-- the script times each vote itself and knows when its last one is answered.
-- Every vote sent is answered and counted, and the database can be checked
-- against the answers exactly. A thread that has had its last answer says so
-- on a line of its own and then, until bench/votes.py interrupts wrk once all
-- threads have, sends a slow trickle of GETs to the filler path instead of
-- stopping: stopping would leave wrk's next connection open and unused, and
-- a sync gunicorn worker would wait on it until its timeout.
--
-- Each vote is a new browser: a fresh random CSRF secret (32 letters and
-- digits, what Django keeps in its cookie) sent as the `csrftoken` cookie and,
-- unmasked, as the form's `csrfmiddlewaretoken`, which Django accepts. The
-- poll's voter key is derived from that cookie, so every vote is a new voter.
-- The choice is drawn at random among the poll's choices. Answers are asked
-- for as JSON, as the page's script does.

local ffi = require("ffi")
ffi.cdef([[
  struct bench_timespec { long tv_sec; long tv_nsec; };
  int clock_gettime(int clock_id, struct bench_timespec *tp);
]])
local CLOCK_MONOTONIC = 1
local ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

local function now_us()
  local ts = ffi.new("struct bench_timespec")
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return tonumber(ts.tv_sec) * 1000000 + math.floor(tonumber(ts.tv_nsec) / 1000)
end

-- The main state: every thread, to collect their figures in done().
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- Each thread's state. Globals are what done() reads through thread:get().
local FILLER_PAUSE_MS = 200
local urandom, budget, path, filler, choices, sent_at

function init(args)
  budget = tonumber(args[1])
  path, filler = args[2], args[3]
  choices = {}
  for i = 4, #args do
    table.insert(choices, args[i])
  end
  urandom = assert(io.open("/dev/urandom", "rb"))
  answered, statuses, latencies_us = 0, {}, {}
end

local function new_secret(bytes)
  local out = {}
  for i = 1, 32 do
    local index = bytes:byte(i) % #ALPHABET + 1
    out[i] = ALPHABET:sub(index, index)
  end
  return table.concat(out)
end

local function vote()
  local bytes = urandom:read(33)
  local secret = new_secret(bytes)
  local choice = choices[bytes:byte(33) % #choices + 1]
  local headers = {
    ["Cookie"] = "csrftoken=" .. secret,
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/json",
  }
  return wrk.format("POST", path, headers, "csrfmiddlewaretoken=" .. secret .. "&choice=" .. choice)
end

function delay()
  return answered < budget and 0 or FILLER_PAUSE_MS
end

function request()
  if answered >= budget then
    sent_at = nil
    return wrk.format("GET", filler)
  end
  local text = vote()
  sent_at = now_us()
  started_us = started_us or sent_at
  return text
end

function response(status, headers, body)
  if sent_at == nil then
    return -- a filler's answer
  end
  answered = answered + 1
  latencies_us[answered] = now_us() - sent_at
  statuses[status] = (statuses[status] or 0) + 1
  if answered == budget then
    finished_us = now_us()
    io.write("finished\n")
    io.flush()
  end
end

local function percentile(sorted, p)
  return sorted[math.max(1, math.ceil(#sorted * p / 100))] or 0
end

-- Lines for bench/votes.py to read.
function done(summary, latency, requests)
  local first, last, totals, all = nil, nil, {}, {}
  for _, thread in ipairs(threads) do
    local started, finished = thread:get("started_us"), thread:get("finished_us")
    if started and (first == nil or started < first) then
      first = started
    end
    if finished and (last == nil or finished > last) then
      last = finished
    end
    for status, count in pairs(thread:get("statuses") or {}) do
      totals[status] = (totals[status] or 0) + count
    end
    for _, value in ipairs(thread:get("latencies_us") or {}) do
      table.insert(all, value)
    end
  end
  table.sort(all)
  for status, count in pairs(totals) do
    io.write(string.format("status %d %d\n", status, count))
  end
  io.write(string.format("window_us %d\n", (last or 0) - (first or 0)))
  io.write(string.format("p50_us %d\np99_us %d\n", percentile(all, 50), percentile(all, 99)))
  local errors = summary.errors
  io.write(string.format("socket_errors %d\n", errors.connect + errors.read + errors.write + errors.timeout))
end
