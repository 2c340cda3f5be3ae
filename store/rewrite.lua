-- Replace events of a process's log in place and its snapshot, atomically,
-- if the log is at the expected version. Every key is under the process's
-- hash tag, so the script is valid on a Redis Cluster.
--
-- KEYS: 1 v, 2 log, 3 snap
-- ARGV: 1 expected version, 2 snapshot (the state after the marker),
--       3 marker (appended as version expected+1), then pairs version,
--       event (each version in 1..expected)
-- Returns {status, current version}: status 0 = written, 1 = no such
-- process, 2 = conflict. Nothing is written unless status is 0.

local v = redis.call('GET', KEYS[1])
if not v then
  return {1, 0}
end
local cur = tonumber(v)
if cur ~= tonumber(ARGV[1]) then
  return {2, cur}
end
-- LSET fails out of range, and a script that fails midway keeps what it
-- wrote: check the log's length before writing anything.
if redis.call('LLEN', KEYS[2]) ~= cur then
  return redis.error_reply('log length differs from version ' .. v)
end
for i = 4, #ARGV, 2 do
  redis.call('LSET', KEYS[2], tonumber(ARGV[i]) - 1, ARGV[i + 1])
end
redis.call('RPUSH', KEYS[2], ARGV[3])
local next = string.format('%d', cur + 1)
redis.call('SET', KEYS[1], next)
redis.call('HSET', KEYS[3], 'v', next, 'data', ARGV[2])
return {0, cur}
