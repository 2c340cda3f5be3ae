-- Restore one process from a backup, atomically. Every key is under the
-- process's hash tag, so the script is valid on a Redis Cluster.
--
-- KEYS: 1 v, 2 log, 3 snap, 4 outbox, 5 outbox:q, 6 outbox:seq, 7 refs,
--       8 due, then the idempotency keys to write (k of them, ARGV says),
--       then the process's keys found before (deleted when forced)
-- ARGV: 1 "1" to replace an existing process, else "0"
--       2 version
--       3 "1" if a snapshot follows, else "0"; 4 snapshot version; 5 snapshot
--       6 next due, unix ms ("0": none)
--       7 last outbox seq
--       8 n, then n events
--       then m, then m pairs seq, encoded entry
--       then r, then r pairs ref, message id
--       then k, then k triples version, result, expiry (unix ms)
-- Returns 0 when written, 1 when the process exists and ARGV[1] is "0".

if redis.call('EXISTS', KEYS[1]) == 1 and ARGV[1] ~= '1' then
  return 1
end
for i = 1, 8 do
  redis.call('DEL', KEYS[i])
end
for i = 9, #KEYS do
  redis.call('DEL', KEYS[i])
end

local i = 9
local n = tonumber(ARGV[8])
local batch = {}
for _ = 1, n do
  batch[#batch + 1] = ARGV[i]
  i = i + 1
  if #batch == 500 then
    redis.call('RPUSH', KEYS[2], unpack(batch))
    batch = {}
  end
end
if #batch > 0 then
  redis.call('RPUSH', KEYS[2], unpack(batch))
end
redis.call('SET', KEYS[1], ARGV[2])
if ARGV[3] == '1' then
  redis.call('HSET', KEYS[3], 'v', ARGV[4], 'data', ARGV[5])
end
if ARGV[6] ~= '0' then
  redis.call('SET', KEYS[8], ARGV[6])
end
if ARGV[7] ~= '0' then
  redis.call('SET', KEYS[6], ARGV[7])
end

local m = tonumber(ARGV[i])
i = i + 1
for _ = 1, m do
  redis.call('HSET', KEYS[4], ARGV[i], ARGV[i + 1])
  redis.call('ZADD', KEYS[5], ARGV[i], ARGV[i])
  i = i + 2
end

local r = tonumber(ARGV[i])
i = i + 1
for _ = 1, r do
  redis.call('HSET', KEYS[7], ARGV[i], ARGV[i + 1])
  i = i + 2
end

local k = tonumber(ARGV[i])
i = i + 1
for j = 1, k do
  local key = KEYS[8 + j]
  redis.call('HSET', key, 'v', ARGV[i], 'r', ARGV[i + 1])
  redis.call('PEXPIREAT', key, ARGV[i + 2])
  i = i + 3
end
return 0
