-- Which of the data-plane addresses (config.yaml's deployment.etcd.host, in order) the agent talks to.
-- It stays on the address that answered last, so it does not flap between replicas. When a request fails
-- there (no connection, a TLS failure, a timeout, or HTTP 5xx), the same request goes on to the next
-- address at once, each address once per request: a replica that dies costs no heartbeat. When every
-- address failed, the caller's backoff (backoff.lua) spaces the retries, and the next round starts on the
-- address after the one it started on. Pure: the sending is passed in.
local tostring, concat = tostring, table.concat

local _M = {}

function _M.new(targets)
  return { targets = targets, current = 1 }
end

local function failed(res)
  return res == nil or (type(res.status) == "number" and res.status >= 500)
end

local function name(target)
  return tostring(target.host) .. ":" .. tostring(target.port)
end

--- `send(target)` returns res or nil and an error. Returns the first answer that is not a failure; else
--- the last 5xx answer if there was one, or nil and every address's error.
function _M.send(f, send)
  local n = #f.targets
  local errors, last_answer = {}, nil
  local start = f.current
  for i = 0, n - 1 do
    local idx = (start - 1 + i) % n + 1
    local target = f.targets[idx]
    local res, err = send(target)
    if not failed(res) then
      f.current = idx
      return res
    end
    if res then
      last_answer = res
      err = "HTTP " .. tostring(res.status)
    end
    errors[#errors + 1] = name(target) .. ": " .. tostring(err)
  end
  f.current = start % n + 1
  if last_answer then
    return last_answer
  end
  if n == 1 then
    return nil, errors[1] and errors[1]:gsub("^[^ ]+: ", "", 1) or "no address"
  end
  return nil, "every control-plane address failed (" .. concat(errors, "; ") .. ")"
end

--- The address in use, for the status file.
function _M.current(f)
  local t = f.targets[f.current]
  return t and name(t)
end

return _M
