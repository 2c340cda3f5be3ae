-- Append one commit to a process, atomically. Every key is under the
-- process's hash tag, so the script is valid on a Redis Cluster.
--
-- KEYS: 1 v, 2 log, 3 snap, 4 idem:<key>, 5 outbox, 6 outbox:q,
--       7 outbox:seq, 8 due
-- ARGV: 1 expected version
--       2 key expiry, unix ms ("0": keep the key for ARGV[3] ms from now)
--       3 default key ttl, ms
--       4 next due, unix ms ("0": none)
--       5 "1" if a snapshot follows, else "0"
--       6 snapshot
--       7 result
--       8 n, the number of events, then n events
--       then m, the number of outbox entries, then m pairs chat, body
-- Returns {status, version, result}: status 0 = written, 1 = replayed
-- (version and result of the original commit), 2 = conflict (version is
-- the current one). A replay writes nothing, so running the script twice
-- (a client retry) is harmless.

local function int(n)
  return string.format('%d', n)
end

-- 1. Idempotency first.
local seen = redis.call('HMGET', KEYS[4], 'v', 'r')
if seen[1] then
  return {1, tonumber(seen[1]), seen[2] or ''}
end

-- 2. Then the expected version.
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if cur ~= tonumber(ARGV[1]) then
  return {2, cur, ''}
end

-- 3. Events and version.
local n = tonumber(ARGV[8])
local i = 9
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
local version = cur + n
redis.call('SET', KEYS[1], int(version))

-- 4. Snapshot.
if ARGV[5] == '1' then
  redis.call('HSET', KEYS[3], 'v', int(version), 'data', ARGV[6])
end

-- 5. Outbox entries: "<len(chat)>:<chat><body>" under a fresh seq.
local m = tonumber(ARGV[i])
i = i + 1
for _ = 1, m do
  local seq = int(redis.call('INCR', KEYS[7]))
  local chat, body = ARGV[i], ARGV[i + 1]
  i = i + 2
  redis.call('HSET', KEYS[5], seq, int(string.len(chat)) .. ':' .. chat .. body)
  redis.call('ZADD', KEYS[6], seq, seq)
end

-- 6. The authoritative next due time.
if ARGV[4] ~= '0' then
  redis.call('SET', KEYS[8], ARGV[4])
else
  redis.call('DEL', KEYS[8])
end

-- 7. Remember the key with its result.
redis.call('HSET', KEYS[4], 'v', int(version), 'r', ARGV[7])
if ARGV[2] ~= '0' then
  redis.call('PEXPIREAT', KEYS[4], ARGV[2])
else
  redis.call('PEXPIRE', KEYS[4], ARGV[3])
end
return {0, version, ''}
