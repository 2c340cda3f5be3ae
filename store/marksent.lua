-- Mark an outbox entry sent and record its message id, atomically. Does
-- nothing for a process without commit.
-- KEYS: 1 v, 2 outbox, 3 outbox:q, 4 refs
-- ARGV: 1 seq, 2 ref ("" for none), 3 message id
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
redis.call('ZREM', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[4], ARGV[2], ARGV[3])
end
return 1
