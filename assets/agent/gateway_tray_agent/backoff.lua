-- When the next heartbeat goes. A failed heartbeat is retried after a short, growing delay that never
-- drops below 1 s (PROTOCOL §5) and never exceeds 1.5 s, so a control plane that comes back is seen
-- within 2 s (the issue's promise, with room for the request itself).
local min, max = math.min, math.max

local _M = {
  FIRST = 1.0,
  FACTOR = 1.2,
  CAP = 1.5,
}

--- Delay in seconds before retrying after `failures` consecutive failures (1 for the first).
function _M.retry_delay(failures)
  local n = max(1, failures or 1)
  return min(_M.CAP, _M.FIRST * _M.FACTOR ^ (n - 1))
end

--- Delay before the next regular beat, keeping the period anchored to when this one started.
function _M.next_regular(interval, elapsed)
  return max(0, interval - max(0, elapsed or 0))
end

return _M
