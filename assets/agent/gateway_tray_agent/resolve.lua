-- Name resolution for cosockets, which do not read /etc/hosts. Same order as APISIX's resolver:
-- an IP literal as is, then /etc/hosts (Docker's --add-host writes there), then DNS through
-- resty.dns.resolver (APISIX ships it) with the nameservers of /etc/resolv.conf.
local ipairs, type = ipairs, type

local _M = {}

function _M.is_ipv4(host)
  local a, b, c, d = host:match("^(%d+)%.(%d+)%.(%d+)%.(%d+)$")
  if not a then
    return false
  end
  for _, n in ipairs({ a, b, c, d }) do
    if tonumber(n) > 255 then
      return false
    end
  end
  return true
end

function _M.is_ip(host)
  return _M.is_ipv4(host) or (host:find(":", 1, true) ~= nil and host:match("^[%x:.]+$") ~= nil)
end

--- Parses hosts(5) text into name → address, first entry wins, IPv4 preferred over IPv6.
function _M.parse_hosts(text)
  local map = {}
  for line in text:gmatch("[^\n]+") do
    line = line:gsub("#.*$", "")
    local addr, names = line:match("^%s*(%S+)%s+(.+)$")
    if addr and _M.is_ip(addr) then
      for name in names:gmatch("%S+") do
        name = name:lower()
        local known = map[name]
        if not known or (not _M.is_ipv4(known) and _M.is_ipv4(addr)) then
          map[name] = addr
        end
      end
    end
  end
  return map
end

--- Nameserver addresses from resolv.conf(5) text.
function _M.parse_resolv_conf(text)
  local servers = {}
  for line in text:gmatch("[^\n]+") do
    local ns = line:match("^%s*nameserver%s+(%S+)")
    if ns then
      servers[#servers + 1] = ns
    end
  end
  return servers
end

local function read_file(path)
  local f = io.open(path, "r")
  if not f then
    return nil
  end
  local text = f:read("*a")
  f:close()
  return text
end

local function dns_lookup(host, resolv_conf)
  local ok, resolver = pcall(require, "resty.dns.resolver")
  if not ok then
    return nil, "cannot resolve " .. host .. ": it is not in /etc/hosts and this runtime has no "
      .. "resty.dns.resolver; use an IP address or add the name to /etc/hosts (docker --add-host)"
  end
  local servers = _M.parse_resolv_conf(read_file(resolv_conf) or "")
  if #servers == 0 then
    return nil, "cannot resolve " .. host .. ": no nameserver in " .. resolv_conf
  end
  local r, err = resolver:new({ nameservers = servers, retrans = 2, timeout = 2000 })
  if not r then
    return nil, "cannot resolve " .. host .. ": " .. tostring(err)
  end
  local answers, qerr = r:query(host, { qtype = r.TYPE_A })
  if not answers then
    return nil, "cannot resolve " .. host .. ": " .. tostring(qerr)
  end
  if answers.errcode then
    return nil, "cannot resolve " .. host .. ": DNS error " .. answers.errcode .. " (" .. tostring(answers.errstr) .. ")"
  end
  for _, a in ipairs(answers) do
    if a.address and a.type == r.TYPE_A then
      return a.address
    end
  end
  return nil, "cannot resolve " .. host .. ": no A record"
end

--- The address to connect to for `host`, or nil and an error that says what to do.
function _M.resolve(host, opts)
  opts = opts or {}
  if type(host) ~= "string" or host == "" then
    return nil, "no host name to resolve"
  end
  if _M.is_ip(host) then
    return host
  end
  local hosts = _M.parse_hosts(read_file(opts.hosts_file or "/etc/hosts") or "")
  local addr = hosts[host:lower()]
  if addr then
    return addr
  end
  return dns_lookup(host, opts.resolv_conf or "/etc/resolv.conf")
end

return _M
