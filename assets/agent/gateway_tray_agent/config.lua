-- The agent's settings, taken from APISIX's parsed config.yaml (the control plane's template, PROTOCOL §4).
-- `from_conf` is pure; `load` asks APISIX for its local configuration.
local tonumber, type, tostring, ipairs = tonumber, type, tostring, ipairs

local _M = {}

_M.HEARTBEAT_INTERVAL = 10
_M.METRICS_INTERVAL = 15
_M.DEFAULT_MAX_METRICS_SIZE = 1024 * 1024

local function get(t, ...)
  for _, k in ipairs({ ... }) do
    if type(t) ~= "table" then
      return nil
    end
    t = t[k]
  end
  return t
end

--- Splits "https://host:port" into scheme, host and port. IPv6 literals go in brackets.
function _M.parse_url(url)
  if type(url) ~= "string" then
    return nil, "not a URL"
  end
  local scheme, rest = url:match("^(https?)://(.+)$")
  if not scheme then
    return nil, "only http:// and https:// addresses are supported, got " .. url
  end
  rest = rest:gsub("/.*$", "")
  local host, port = rest:match("^%[(.+)%]:?(%d*)$")
  if not host then
    host, port = rest:match("^([^:]+):?(%d*)$")
  end
  if not host or host == "" then
    return nil, "no host in " .. url
  end
  port = tonumber(port) or (scheme == "https" and 443 or 80)
  return { scheme = scheme, host = host, port = port }
end

-- node_listen is a port, a list of ports, or a list of {ip, port}; ssl.listen is a list of {port}.
local function collect_ports(out, seen, value)
  if type(value) == "number" or type(value) == "string" then
    local p = tostring(value)
    if not seen[p] then
      seen[p] = true
      out[#out + 1] = p
    end
  elseif type(value) == "table" then
    if value.port then
      collect_ports(out, seen, value.port)
    else
      for _, v in ipairs(value) do
        collect_ports(out, seen, v)
      end
    end
  end
end

--- Builds the settings from a parsed config.yaml. `prefix` is nginx's prefix (ends with "/").
function _M.from_conf(conf, prefix)
  if type(conf) ~= "table" then
    return nil, "APISIX's configuration is not available"
  end
  -- APISIX copies deployment.etcd to etcd when it loads the file; accept either.
  local etcd = get(conf, "deployment", "etcd") or conf.etcd
  local hosts = get(etcd, "host")
  if type(hosts) ~= "table" then
    hosts = { hosts }
  end
  if not hosts[1] then
    return nil, "config.yaml has no deployment.etcd.host: render it from the control plane's startup template"
  end
  local tls = get(etcd, "tls") or {}
  -- Every host is a data-plane address of the same control plane (a team's replicas), tried in order.
  local cps = {}
  for i, url in ipairs(hosts) do
    local one, err = _M.parse_url(url)
    if not one then
      return nil, "deployment.etcd.host[" .. i .. "]: " .. err
    end
    if one.scheme == "https" and (not tls.cert or not tls.key) then
      return nil, "config.yaml has no deployment.etcd.tls.cert and key: the control plane needs mutual TLS"
    end
    one.sni = tls.sni or one.host
    one.verify = tls.verify ~= false
    one.cert_file = tls.cert
    one.key_file = tls.key
    one.trusted_ca = get(conf, "apisix", "ssl", "ssl_trusted_certificate")
    cps[i] = one
  end
  local cp = cps[1]

  local ports, seen = {}, {}
  collect_ports(ports, seen, get(conf, "apisix", "node_listen") or 9080)
  if get(conf, "apisix", "ssl", "enable") ~= false then
    collect_ports(ports, seen, get(conf, "apisix", "ssl", "listen"))
  end

  local export_addr = get(conf, "plugin_attr", "prometheus", "export_addr") or {}
  local metrics_ip = export_addr.ip or "127.0.0.1"
  if metrics_ip == "0.0.0.0" then
    metrics_ip = "127.0.0.1"
  elseif metrics_ip == "::" then
    metrics_ip = "::1"
  end

  prefix = prefix or "/usr/local/apisix/"
  if prefix:sub(-1) ~= "/" then
    prefix = prefix .. "/"
  end
  return {
    control_plane = cp,
    control_planes = cps,
    domain = tls.sni or cp.host,
    ports = ports,
    metrics_source = {
      scheme = "http",
      host = metrics_ip,
      port = tonumber(export_addr.port) or 9091,
      path = get(conf, "plugin_attr", "prometheus", "export_uri") or "/apisix/prometheus/metrics",
    },
    status_file = prefix .. "logs/agent-status.json",
    heartbeat_interval = _M.HEARTBEAT_INTERVAL,
    metrics_interval = _M.METRICS_INTERVAL,
  }
end

--- APISIX's parsed config.yaml, through its own API (apisix/core/config_local.lua).
function _M.local_conf()
  local ok, config_local = pcall(require, "apisix.core.config_local")
  if not ok then
    return nil, "apisix.core.config_local is not available: the agent must run inside APISIX"
  end
  local conf, err = config_local.local_conf()
  if not conf then
    return nil, "could not read APISIX's config.yaml: " .. tostring(err)
  end
  return conf
end

--- The gateway's instance id (apisix.uid), through APISIX's own API.
function _M.instance_id()
  local ok, core_id = pcall(require, "apisix.core.id")
  if ok and core_id.get then
    local id = core_id.get()
    if id and id ~= "" then
      return id
    end
  end
  return nil, "APISIX has no instance id: mount apisix.uid at /usr/local/apisix/conf/apisix.uid"
end

--- "APISIX/3.x.y" for the heartbeat.
function _M.apisix_version()
  local ok, v = pcall(require, "apisix.core.version")
  if ok and type(v) == "table" and v.VERSION then
    return "APISIX/" .. v.VERSION
  end
  return "APISIX/unknown"
end

function _M.load()
  local conf, err = _M.local_conf()
  if not conf then
    return nil, err
  end
  return _M.from_conf(conf, ngx.config.prefix())
end

return _M
