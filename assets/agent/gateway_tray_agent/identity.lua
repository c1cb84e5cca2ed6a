-- Who this gateway is, as the heartbeat tells it: a run id per start, the host name and its address.
local resolve = require("gateway_tray_agent.resolve")

local _M = {}

function _M.read_file(path)
  local f, err = io.open(path, "r")
  if not f then
    return nil, err
  end
  local text = f:read("*a")
  f:close()
  return text
end

local function trim(s)
  return s and (s:gsub("^%s+", ""):gsub("%s+$", "")) or nil
end

--- A new UUID for X-APISEVEN-Run-Id, from the kernel when it can.
function _M.new_run_id()
  local id = trim(_M.read_file("/proc/sys/kernel/random/uuid"))
  if id and id:match("^%x+%-%x+%-%x+%-%x+%-%x+$") then
    return id
  end
  math.randomseed(ngx.now() * 1000 + ngx.worker.pid())
  return (("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx"):gsub("[xy]", function(c)
    local v = c == "x" and math.random(0, 15) or math.random(8, 11)
    return string.format("%x", v)
  end))
end

--- The host name and the address /etc/hosts gives it (Docker writes the container's there).
function _M.host()
  local hostname = trim(_M.read_file("/proc/sys/kernel/hostname")) or trim(_M.read_file("/etc/hostname")) or "localhost"
  local hosts = resolve.parse_hosts(_M.read_file("/etc/hosts") or "")
  return hostname, hosts[hostname:lower()] or "127.0.0.1"
end

return _M
