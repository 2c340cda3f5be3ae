-- Read a process's version, snapshot and the events after it, consistently.
-- KEYS: 1 v, 2 snap, 3 log
-- Returns {} for a process without commit, else
-- {version, has snapshot (0/1), snapshot version, snapshot, events}.
local v = redis.call('GET', KEYS[1])
if not v then
  return {}
end
local snap = redis.call('HMGET', KEYS[2], 'v', 'data')
local has, sv, data = 0, '0', ''
if snap[1] then
  has, sv, data = 1, snap[1], snap[2] or ''
end
local events = redis.call('LRANGE', KEYS[3], tonumber(sv), tonumber(v) - 1)
return {v, has, sv, data, events}
