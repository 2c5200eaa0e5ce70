/**
 * The Redis side of a consume, run atomically so that every instance sees and updates the same counts.
 *
 * KEYS[1]  the key's log: a sorted set of admitted requests scored by arrival time in microseconds.
 * ARGV[1]  a member unique to this request, so that two arrivals in the same microsecond both count.
 * ARGV[2]  the time in microseconds, or "" for the Redis server's own clock.
 * ARGV[3..] pairs of (window in microseconds, limit), one per rule.
 *
 * Returns, per rule: requests admitted within its window before this one, then (when the window is full)
 * microseconds until one more fits, else 0. The request is added to the log only when every window has room, so
 * a request denied by one window counts in none.
 *
 * In service the time is the Redis server's, never the caller's, so that instances with skewed clocks agree;
 * tests give their own, to move it without waiting. Scores are formatted with %.0f because Lua's default number
 * formatting keeps 14 digits and would round them.
 */
export const SLIDING_LOG_SCRIPT = `
local key = KEYS[1]
local now = tonumber(ARGV[2])
if not now then
  local time = redis.call("TIME")
  now = tonumber(time[1]) * 1000000 + tonumber(time[2])
end

local longest = 0
for i = 3, #ARGV, 2 do
  longest = math.max(longest, tonumber(ARGV[i]))
end
redis.call("ZREMRANGEBYSCORE", key, "-inf", string.format("%.0f", now - longest))

local reply = {}
local allowed = true
for i = 3, #ARGV, 2 do
  local window = tonumber(ARGV[i])
  local limit = tonumber(ARGV[i + 1])
  local since = string.format("(%.0f", now - window)
  local used = redis.call("ZCOUNT", key, since, "+inf")
  local freeIn = 0
  if used >= limit then
    allowed = false
    local freeing = redis.call("ZRANGEBYSCORE", key, since, "+inf", "WITHSCORES", "LIMIT", used - limit, 1)
    freeIn = tonumber(freeing[2]) + window - now
  end
  table.insert(reply, used)
  table.insert(reply, freeIn)
end

if allowed then
  redis.call("ZADD", key, string.format("%.0f", now), ARGV[1])
  redis.call("PEXPIRE", key, string.format("%.0f", math.ceil(longest / 1000)))
end
return reply
`;
