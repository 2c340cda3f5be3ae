-- Repair one member of the due hint, but only if its score is still the one
-- the caller saw (a concurrent Append may have lowered it since).
-- KEYS: 1 the due hint zset
-- ARGV: 1 process, 2 score seen, 3 new score ("" to remove)
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not cur or tonumber(cur) ~= tonumber(ARGV[2]) then
  return 0
end
if ARGV[3] == '' then
  redis.call('ZREM', KEYS[1], ARGV[1])
else
  redis.call('ZADD', KEYS[1], 'XX', ARGV[3], ARGV[1])
end
return 1
