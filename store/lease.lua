-- Lease: take or renew a lease. KEYS[1] the lease; ARGV[1] the holder,
-- ARGV[2] the ttl in ms. Returns 1 if ARGV[1] holds it now (taken, or
-- renewed because it held it already), 0 if another holder does.
local v = redis.call('GET', KEYS[1])
if v == false or v == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0
