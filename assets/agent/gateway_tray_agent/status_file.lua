-- The agent status file of PROTOCOL §5, read by the desktop app through Docker. Written atomically:
-- a temporary file beside it, then a rename, so a reader never sees half a file.
local cjson = require("cjson.safe")
local floor, format, date = math.floor, string.format, os.date

local _M = {}

--- RFC 3339 UTC time with milliseconds, or JSON null for nil.
function _M.rfc3339(t)
  if not t then
    return cjson.null
  end
  local secs = floor(t)
  local ms = floor((t - secs) * 1000 + 0.5)
  if ms >= 1000 then
    secs, ms = secs + 1, ms - 1000
  end
  return date("!%Y-%m-%dT%H:%M:%S", secs) .. format(".%03dZ", ms)
end

local function or_null(v)
  if v == nil then
    return cjson.null
  end
  return v
end

--- The JSON text of the status.
function _M.encode(s)
  return cjson.encode({
    instance_id = or_null(s.instance_id),
    run_id = or_null(s.run_id),
    registered_at = _M.rfc3339(s.registered_at),
    last_attempt_at = _M.rfc3339(s.last_attempt_at),
    last_success_at = _M.rfc3339(s.last_success_at),
    consecutive_failures = s.consecutive_failures or 0,
    last_error = or_null(s.last_error),
    heartbeat_interval_s = s.heartbeat_interval_s,
  })
end

--- Writes `text` to `path` atomically. Returns true or nil and an error.
function _M.write_atomic(path, text, suffix)
  local tmp = path .. ".tmp" .. (suffix or "")
  local f, err = io.open(tmp, "w")
  if not f then
    return nil, "cannot write the status file " .. tmp .. ": " .. tostring(err)
  end
  local ok, werr = f:write(text, "\n")
  f:close()
  if not ok then
    os.remove(tmp)
    return nil, "cannot write the status file " .. tmp .. ": " .. tostring(werr)
  end
  local renamed, rerr = os.rename(tmp, path)
  if not renamed then
    os.remove(tmp)
    return nil, "cannot rename " .. tmp .. " to " .. path .. ": " .. tostring(rerr)
  end
  return true
end

function _M.write(path, s, suffix)
  return _M.write_atomic(path, _M.encode(s), suffix)
end

_M.REGISTERED_PREFIX = "gateway-tray agent: registered "

--- The line printed once per run, at the first accepted heartbeat: the status as the file holds it, so
--- the app can learn the registration from the container's log, which Docker serves far more cheaply
--- than a file read through its archive API.
function _M.registered_line(s)
  return _M.REGISTERED_PREFIX .. _M.encode(s) .. "\n"
end

--- Prints the line straight to stderr, not through ngx.log, so that no error_log_level (APISIX's default
--- is warn) hides it. nginx points stderr at its error log, which the official image links to the
--- container's stderr. One short write, so lines of other processes do not cut into it.
function _M.announce(s, out)
  local ok, err = (out or io.stderr):write(_M.registered_line(s))
  if not ok then
    return nil, "cannot print the registration line: " .. tostring(err)
  end
  return true
end

return _M
