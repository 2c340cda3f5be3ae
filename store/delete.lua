-- Delete every key of one process, atomically. Every key is under the
-- process's hash tag, so the script is valid on a Redis Cluster.
--
-- KEYS: the process's keys (the fixed ones, then those SCAN found,
--       idempotency keys included); a key given twice or missing is fine
-- Returns the number of keys deleted.
local n = 0
for i = 1, #KEYS do
  n = n + redis.call('DEL', KEYS[i])
end
return n
