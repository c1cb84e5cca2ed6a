-- A minimal HTTP/1.1 client over ngx.socket.tcp: one request per connection, TLS with SNI, server
-- verification (against lua_ssl_trusted_certificate, which APISIX sets from apisix.ssl.ssl_trusted_certificate)
-- and a client certificate through tcpsock:setclientcert. Debian has no lua-resty-http, and the agent may
-- only use what both APISIX and a plain nginx-Lua runtime have.
local resolve = require("gateway_tray_agent.resolve")
local tonumber, pairs, concat, lower = tonumber, pairs, table.concat, string.lower

local _M = {}

_M.MAX_BODY = 16 * 1024 * 1024

local function where(t)
  return t.host .. ":" .. t.port
end

--- Opens a connection to target {scheme, host, port, sni, verify, client_cert, client_key}.
local function open(target, timeouts)
  local addr, err = resolve.resolve(target.host)
  if not addr then
    return nil, err
  end
  local sock = ngx.socket.tcp()
  sock:settimeouts(timeouts.connect or 2000, timeouts.send or 5000, timeouts.read or 5000)
  local connect_addr = addr:find(":", 1, true) and ("[" .. addr .. "]") or addr
  local ok, cerr = sock:connect(connect_addr, target.port)
  if not ok then
    return nil, "cannot connect to " .. where(target) .. " (" .. addr .. "): " .. tostring(cerr)
  end
  if target.scheme == "https" then
    if target.client_cert then
      if not sock.setclientcert then
        sock:close()
        return nil, "TLS: this nginx-Lua runtime cannot present a client certificate (tcpsock:setclientcert needs "
          .. "lua-nginx-module 0.10.23+ and lua-resty-core 0.1.25+, as in OpenResty 1.21.4.2+); upgrade APISIX"
      end
      local set_ok, set_err = sock:setclientcert(target.client_cert, target.client_key)
      if not set_ok then
        sock:close()
        return nil, "TLS: cannot use the client certificate: " .. tostring(set_err)
      end
    end
    local sess, herr = sock:sslhandshake(nil, target.sni or target.host, target.verify ~= false)
    if not sess then
      sock:close()
      return nil, "TLS handshake with " .. where(target) .. " (SNI " .. tostring(target.sni or target.host)
        .. ") failed: " .. tostring(herr) .. "; the control plane may have refused the client certificate, "
        .. "or its own is not signed by ca.crt: check that the bundle in /cloud/tls comes from this control plane"
    end
  end
  return sock
end

local function read_chunked(sock)
  local parts, total = {}, 0
  while true do
    local line, err = sock:receive("*l")
    if not line then
      return nil, "reading a chunk size: " .. tostring(err)
    end
    local size = tonumber(line:match("^%s*(%x+)"), 16)
    if not size then
      return nil, "bad chunk size line"
    end
    if size == 0 then
      -- Trailers end with an empty line.
      repeat
        line, err = sock:receive("*l")
        if not line then
          return nil, "reading trailers: " .. tostring(err)
        end
      until line == ""
      return concat(parts)
    end
    total = total + size
    if total > _M.MAX_BODY then
      return nil, "response body too large"
    end
    local data, derr = sock:receive(size)
    if not data then
      return nil, "reading a chunk: " .. tostring(derr)
    end
    parts[#parts + 1] = data
    sock:receive(2)
  end
end

local function read_response(sock)
  local line, err = sock:receive("*l")
  if not line then
    return nil, err, true
  end
  local status = tonumber(line:match("^HTTP/1%.[01] (%d%d%d)"))
  if not status then
    return nil, "not an HTTP response: " .. line:sub(1, 80)
  end
  local headers = {}
  while true do
    local h, herr = sock:receive("*l")
    if not h then
      return nil, "reading headers: " .. tostring(herr)
    end
    if h == "" then
      break
    end
    local name, value = h:match("^([^:]+):%s*(.-)%s*$")
    if name then
      headers[lower(name)] = value
    end
  end
  local body, berr
  if (headers["transfer-encoding"] or ""):lower():find("chunked", 1, true) then
    body, berr = read_chunked(sock)
  elseif headers["content-length"] then
    local n = tonumber(headers["content-length"])
    if not n or n > _M.MAX_BODY then
      return nil, "bad or too large Content-Length"
    end
    body, berr = n == 0 and "" or sock:receive(n)
  else
    body, berr = sock:receive("*a")
  end
  if not body then
    return nil, "reading the body: " .. tostring(berr)
  end
  return { status = status, headers = headers, body = body }
end

--- Sends one request and reads the whole response.
-- req = {method, path, headers = {name = value}, body}; returns {status, headers, body} or nil, err.
function _M.request(target, req, timeouts)
  timeouts = timeouts or {}
  local sock, err = open(target, timeouts)
  if not sock then
    return nil, err
  end
  local body = req.body or ""
  local default_port = target.scheme == "https" and 443 or 80
  local host_header = target.port == default_port and target.host or where(target)
  local lines = {
    (req.method or "GET") .. " " .. (req.path or "/") .. " HTTP/1.1",
    "Host: " .. host_header,
    "Connection: close",
    "User-Agent: gateway-tray-agent",
  }
  if req.method ~= "GET" or #body > 0 then
    lines[#lines + 1] = "Content-Length: " .. #body
  end
  for name, value in pairs(req.headers or {}) do
    lines[#lines + 1] = name .. ": " .. value
  end
  lines[#lines + 1] = ""
  lines[#lines + 1] = body
  local ok, serr = sock:send(concat(lines, "\r\n"))
  if not ok then
    sock:close()
    return nil, "sending to " .. where(target) .. ": " .. tostring(serr)
  end
  local res, rerr, first_read = read_response(sock)
  sock:close()
  if not res then
    if first_read and rerr ~= "timeout" and target.scheme == "https" and target.client_cert then
      -- With TLS 1.3 the server checks the client certificate after our side of the handshake is done,
      -- so a refused certificate shows up as a closed connection on the first read.
      return nil, "TLS: " .. where(target) .. " closed the connection after the handshake (" .. tostring(rerr)
        .. "); it probably refused the client certificate: check that the bundle in /cloud/tls comes from "
        .. "this control plane"
    end
    return nil, "reading the response from " .. where(target) .. ": " .. tostring(rerr)
  end
  return res
end

return _M
