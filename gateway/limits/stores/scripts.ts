/**
 * Lua for the Redis store: each script is one atomic step, the same arithmetic as memory.ts.
 * Unlimited capacities and limits travel as -1. On Redis Cluster every key of one call must
 * hash to one slot: the callers' keys share a hash tag (limits/keys.ts).
 */

/**
 * Lua functions over buckets: per bucket its hash (t: tokens, u: counted at, b: blocked until,
 * n: take sequence) and its window log (sorted set of take times), in pairs from KEYS[k0 + 1];
 * per bucket capacity, refill per ms and window ms (0: none), in triples from ARGV[a0 + 1]. A
 * `u` ahead of `now` without `b` is another node's clock running ahead, not a block: it counts
 * as no time elapsed. `bucketsWait` fills `levels` and returns the wait for a token from all.
 */
const BUCKETS = `
local function bucketsWait(k0, a0, n, now, levels)
  local wait = 0
  for i = 1, n do
    local key, logKey = KEYS[k0 + 2 * i - 1], KEYS[k0 + 2 * i]
    local cap, perMs, windowMs = tonumber(ARGV[a0 + 3 * i - 2]), tonumber(ARGV[a0 + 3 * i - 1]), tonumber(ARGV[a0 + 3 * i])
    local state = redis.call('HMGET', key, 't', 'u', 'b')
    local t, u, b = tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
    local blocked = 0
    if b and b > now then blocked = b - now end
    if u and u > now then u = now end
    local w = 0
    if cap < 0 then
      w = math.ceil(blocked)
    elseif not t then
      levels[i] = cap
    elseif blocked > 0 then
      w = math.ceil(blocked + (1 - math.min(1, t)) / perMs)
    else
      local level = math.min(cap, t + (now - u) * perMs)
      levels[i] = level
      if level < 1 then w = math.ceil((1 - level) / perMs) end
    end
    if cap >= 0 and windowMs > 0 then
      redis.call('ZREMRANGEBYSCORE', logKey, '-inf', now - windowMs)
      local count = redis.call('ZCARD', logKey)
      if count >= cap then
        local oldest = redis.call('ZRANGE', logKey, count - cap, count - cap, 'WITHSCORES')
        local untilFree = tonumber(oldest[2]) + windowMs - now
        if untilFree > w then w = untilFree end
      end
    end
    if w > wait then wait = w end
  end
  return wait
end

local function bucketsTake(k0, a0, n, now, levels)
  for i = 1, n do
    local key, logKey = KEYS[k0 + 2 * i - 1], KEYS[k0 + 2 * i]
    local cap, perMs, windowMs = tonumber(ARGV[a0 + 3 * i - 2]), tonumber(ARGV[a0 + 3 * i - 1]), tonumber(ARGV[a0 + 3 * i])
    if cap >= 0 then
      local level = levels[i] - 1
      redis.call('HSET', key, 't', string.format('%.17g', level), 'u', string.format('%d', now))
      redis.call('HDEL', key, 'b')
      redis.call('PEXPIRE', key, math.max(math.ceil((cap - level) / perMs), windowMs) + 1000)
      if windowMs > 0 then
        local seq = redis.call('HINCRBY', key, 'n', 1)
        redis.call('ZADD', logKey, now, string.format('%d', now) .. '-' .. seq)
        redis.call('PEXPIRE', logKey, windowMs + 1000)
      end
    end
  end
end
`;

/** KEYS: bucket pairs (see BUCKETS). ARGV: now, then bucket triples. Returns {taken, waitMs}. */
export const TAKE_TOKENS = `${BUCKETS}
local now = tonumber(ARGV[1])
local n = #KEYS / 2
local levels = {}
local wait = bucketsWait(0, 1, n, now, levels)
if wait > 0 then return {0, wait} end
bucketsTake(0, 1, n, now, levels)
return {1, 0}
`;

/**
 * A waiting line shared by every node: KEYS[1] orders tickets by arrival (a sequence from
 * KEYS[3], never a node's clock), KEYS[2] holds each ticket's lease expiry. ARGV: now, ticket,
 * expiresAt, key ttl. `lineJoin` drops expired tickets (a dead node's), adds the ticket at the
 * back unless it holds a place, renews its lease and returns how many are ahead of it.
 */
const LINE = `
local function lineJoin(now, ticket, expiresAt, ttl)
  local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now)
  for _, gone in ipairs(expired) do redis.call('ZREM', KEYS[1], gone) end
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if not redis.call('ZSCORE', KEYS[1], ticket) then redis.call('ZADD', KEYS[1], redis.call('INCR', KEYS[3]), ticket) end
  redis.call('ZADD', KEYS[2], expiresAt, ticket)
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ttl) end
  return redis.call('ZRANK', KEYS[1], ticket)
end
`;

/** KEYS and ARGV as in LINE. Returns the number of tickets ahead. */
export const JOIN_LINE = `${LINE}
return lineJoin(tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4])
`;

/**
 * KEYS: the line's three keys (LINE), then bucket pairs; ARGV: LINE's four, then bucket
 * triples. Only the head of the line may take: it takes from every bucket or none, and leaves
 * the line when it does. Returns {taken, waitMs, ahead}; waitMs is the wait for a token.
 */
export const TAKE_IN_TURN = `${BUCKETS}${LINE}
local now = tonumber(ARGV[1])
local ahead = lineJoin(now, ARGV[2], ARGV[3], ARGV[4])
local n = (#KEYS - 3) / 2
local levels = {}
local wait = bucketsWait(3, 4, n, now, levels)
if ahead > 0 or wait > 0 then return {0, wait, ahead} end
bucketsTake(3, 4, n, now, levels)
redis.call('ZREM', KEYS[1], ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[2])
return {1, 0, 0}
`;

/** KEYS and ARGV as in LINE. Renews a ticket's lease while it still holds its place. */
export const REFRESH_TICKET = `
local score = tonumber(redis.call('ZSCORE', KEYS[2], ARGV[2]))
if score and score > tonumber(ARGV[1]) and redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[2])
  for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[4]) end
end
return 0
`;

/** KEYS[1]: bucket. ARGV: until, ttl ms from now to full after the block. */
export const BLOCK_BUCKET = `
local untilMs = tonumber(ARGV[1])
local b = tonumber(redis.call('HGET', KEYS[1], 'b'))
local extend = 0
if b and b > untilMs then extend = b - untilMs; untilMs = b end
redis.call('HSET', KEYS[1], 't', '0', 'u', string.format('%d', untilMs), 'b', string.format('%d', untilMs))
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + extend)
`;

/** KEYS[1]: counter. ARGV: amount, ttl ms (set when the counter is created). Returns the value. */
export const ADD_TO_COUNTER = `
local value = redis.call('INCRBYFLOAT', KEYS[1], ARGV[1])
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return value
`;

/** KEYS[1]: counter. ARGV: limit, ttl ms. Returns {ok, value}. */
export const INCREMENT_BELOW = `
local value = tonumber(redis.call('GET', KEYS[1]) or '0')
if value >= tonumber(ARGV[1]) then return {0, tostring(value)} end
value = redis.call('INCRBYFLOAT', KEYS[1], 1)
if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return {1, value}
`;

/**
 * KEYS: slot sets (sorted sets: holder → expiry). ARGV: now, expiresAt, holder, then a limit
 * per set. Returns 0 when acquired, else the 1-based index of the first full set.
 */
export const ACQUIRE_SLOTS = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2]) - now
for i = 1, #KEYS do
  redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now)
  local limit = tonumber(ARGV[3 + i])
  if limit >= 0 and not redis.call('ZSCORE', KEYS[i], ARGV[3]) and redis.call('ZCARD', KEYS[i]) >= limit then
    return i
  end
end
for i = 1, #KEYS do
  redis.call('ZADD', KEYS[i], ARGV[2], ARGV[3])
  if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
end
return 0
`;

/** KEYS: slot sets. ARGV: now, expiresAt, holder. Moves the holder's expiry where it still holds a slot. */
export const REFRESH_SLOTS = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2]) - now
for i = 1, #KEYS do
  local score = tonumber(redis.call('ZSCORE', KEYS[i], ARGV[3]))
  if score and score > now then
    redis.call('ZADD', KEYS[i], 'XX', ARGV[2], ARGV[3])
    if redis.call('PTTL', KEYS[i]) < ttl then redis.call('PEXPIRE', KEYS[i], ttl) end
  end
end
return 0
`;
