-- A minimal HTTP/1.1 client over ngx.socket.tcp, for the agent's few requests: TLS with SNI, server
-- verification (against lua_ssl_trusted_certificate, which APISIX sets from
-- apisix.ssl.ssl_trusted_certificate), a client certificate, and connections kept in the cosocket pool
-- between requests so that a heartbeat every 10 s costs no new mutual-TLS handshake. Debian has no
-- lua-resty-http, and the agent may only use what both APISIX and a plain nginx-Lua runtime have.
--
-- Two runtimes, two ways to present the client certificate (PROTOCOL §6):
--   apisix-runtime (the official image): apisix-nginx-module's patch gives the socket
--     tlshandshake{client_cert = PEM, client_priv_key = PEM, ...} and makes sslhandshake ignore
--     setclientcert, so there the certificate must go through tlshandshake;
--   plain OpenResty and Debian's nginx-Lua: no tlshandshake; setclientcert, then sslhandshake.
local resolve = require("gateway_tray_agent.resolve")
local tonumber, pairs, concat, lower, tostring = tonumber, pairs, table.concat, string.lower, tostring

local _M = {}

_M.MAX_BODY = 16 * 1024 * 1024
-- Idle connections stay in the pool for two heartbeat intervals and a bit, below the control plane's
-- keep-alive (65 s), so the agent, not the server, closes a connection nobody uses.
_M.KEEPALIVE_IDLE_MS = 25000
_M.POOL_SIZE = 4

-- The last TLS session per pool, so that a new connection resumes it instead of a full handshake.
local sessions = {}

local function where(t)
  return t.host .. ":" .. t.port
end

-- Connections are pooled per server name, address and client certificate: a renewed certificate gets
-- fresh connections, and one control plane's socket never serves another.
local function pool_name(t, addr)
  local name = t.scheme .. "://" .. addr .. ":" .. t.port
  if t.scheme == "https" then
    name = name .. "/" .. tostring(t.sni or t.host) .. "/" .. (t.client_cert and ngx.md5(t.client_cert) or "-")
  end
  return name
end

local function handshake_hint(target)
  return "; the control plane may have refused the client certificate, or its own is not signed by ca.crt:"
    .. " check that the bundle in /cloud/tls comes from this control plane"
    .. (target.client_cert and "" or " (no client certificate was configured)")
end

-- Presents the client certificate the way this runtime takes it, and resumes `session` when given.
local function tls_handshake(sock, target, session)
  local sni, verify = target.sni or target.host, target.verify ~= false
  if sock.tlshandshake then
    local sess, err = sock:tlshandshake({
      server_name = sni,
      verify = verify,
      client_cert = target.client_cert,
      client_priv_key = target.client_key,
      reused_session = session,
    })
    return sess, err and ("tlshandshake: " .. tostring(err))
  end
  if target.client_cert then
    if not sock.setclientcert then
      return nil, "this nginx-Lua runtime can present a client certificate neither through tcpsock:tlshandshake "
        .. "(apisix-runtime) nor through tcpsock:setclientcert (lua-nginx-module 0.10.23+ and lua-resty-core "
        .. "0.1.25+, as in OpenResty 1.21.4.2+); upgrade APISIX"
    end
    local ssl = require("ngx.ssl")
    local chain, cerr = ssl.parse_pem_cert(target.client_cert)
    if not chain then
      return nil, "the client certificate is not valid PEM: " .. tostring(cerr)
    end
    local pkey, kerr = ssl.parse_pem_priv_key(target.client_key)
    if not pkey then
      return nil, "the client key is not a valid PEM key: " .. tostring(kerr)
    end
    local ok, serr = sock:setclientcert(chain, pkey)
    if not ok then
      return nil, "cannot use the client certificate: " .. tostring(serr)
    end
  end
  local sess, err = sock:sslhandshake(session, sni, verify)
  return sess, err and ("sslhandshake: " .. tostring(err))
end

--- Opens a connection to target {scheme, host, port, sni, verify, client_cert, client_key} (PEM
-- strings), or takes a kept-alive one from the pool. Returns the socket and whether it was reused.
local function open(target, timeouts)
  local addr, err = resolve.resolve(target.host)
  if not addr then
    return nil, err
  end
  local sock = ngx.socket.tcp()
  sock:settimeouts(timeouts.connect or 2000, timeouts.send or 5000, timeouts.read or 5000)
  local connect_addr = addr:find(":", 1, true) and ("[" .. addr .. "]") or addr
  local pool = pool_name(target, addr)
  local ok, cerr = sock:connect(connect_addr, target.port, { pool = pool })
  if not ok then
    return nil, "cannot connect to " .. where(target) .. " (" .. addr .. "): " .. tostring(cerr)
  end
  local reused = (sock:getreusedtimes() or 0) > 0
  if target.scheme == "https" and not reused then
    local sess, herr = tls_handshake(sock, target, sessions[pool])
    if not sess then
      sock:close()
      sessions[pool] = nil
      return nil, "TLS handshake with " .. where(target) .. " (SNI " .. tostring(target.sni or target.host)
        .. ") failed: " .. tostring(herr) .. handshake_hint(target)
    end
    if type(sess) == "cdata" or type(sess) == "userdata" then
      sessions[pool] = sess
    end
  end
  return sock, nil, reused
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

-- Reads one response. The third result says whether the connection may serve another request; the
-- fourth, on failure, whether nothing at all was read (the server closed or refused before answering).
local function read_response(sock)
  local line, err = sock:receive("*l")
  if not line then
    return nil, err, false, true
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
  local reusable = not lower(headers["connection"] or ""):find("close", 1, true) and line:match("^HTTP/1%.1") ~= nil
  if lower(headers["transfer-encoding"] or ""):find("chunked", 1, true) then
    body, berr = read_chunked(sock)
  elseif headers["content-length"] then
    local n = tonumber(headers["content-length"])
    if not n or n > _M.MAX_BODY then
      return nil, "bad or too large Content-Length"
    end
    body, berr = n == 0 and "" or sock:receive(n)
  else
    -- Delimited by the end of the connection, which then can't be used again.
    body, berr = sock:receive("*a")
    reusable = false
  end
  if not body then
    return nil, "reading the body: " .. tostring(berr)
  end
  return { status = status, headers = headers, body = body }, nil, reusable
end

local function request_text(target, req, body)
  local default_port = target.scheme == "https" and 443 or 80
  local host_header = target.port == default_port and target.host or where(target)
  local lines = {
    (req.method or "GET") .. " " .. (req.path or "/") .. " HTTP/1.1",
    "Host: " .. host_header,
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
  return concat(lines, "\r\n")
end

-- One attempt. On failure the third result says whether a fresh connection may try again: a kept-alive
-- connection the server had already closed fails before any byte of the answer, and the request never
-- reached the server.
local function attempt(target, req, body, timeouts)
  local sock, err, reused = open(target, timeouts)
  if not sock then
    return nil, err, false
  end
  local ok, serr = sock:send(request_text(target, req, body))
  if not ok then
    sock:close()
    return nil, "sending to " .. where(target) .. ": " .. tostring(serr), reused
  end
  local res, rerr, reusable, nothing_read = read_response(sock)
  if not res then
    sock:close()
    if nothing_read and reused and rerr ~= "timeout" then
      return nil, rerr, true
    end
    if nothing_read and rerr ~= "timeout" and target.scheme == "https" and target.client_cert then
      -- With TLS 1.3 the server checks the client certificate after our side of the handshake is done,
      -- so a refused certificate shows up as a closed connection on the first read.
      return nil, "TLS: " .. where(target) .. " closed the connection after the handshake (" .. tostring(rerr)
        .. "); it probably refused the client certificate: check that the bundle in /cloud/tls comes from "
        .. "this control plane", false
    end
    return nil, "reading the response from " .. where(target) .. ": " .. tostring(rerr), false
  end
  if reusable then
    sock:setkeepalive(_M.KEEPALIVE_IDLE_MS, _M.POOL_SIZE)
  else
    sock:close()
  end
  return res
end

--- Sends one request and reads the whole response, on a kept-alive connection where there is one.
-- req = {method, path, headers = {name = value}, body}; returns {status, headers, body} or nil, err.
function _M.request(target, req, timeouts)
  timeouts = timeouts or {}
  local body = req.body or ""
  -- Every pooled connection may have gone stale at once (the control plane restarted); each failed one
  -- is closed, so at most POOL_SIZE of them stand before a fresh connection.
  local res, err, retry
  for _ = 1, _M.POOL_SIZE + 1 do
    res, err, retry = attempt(target, req, body, timeouts)
    if res or not retry then
      break
    end
  end
  return res, err
end

return _M
