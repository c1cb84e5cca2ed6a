-- Requests to the control plane's data-plane endpoint (PROTOCOL §2): mutual TLS with the bundle named in
-- config.yaml, read afresh each time so a renewed certificate is used at once (its connections are
-- pooled apart from the old one's), and the instance headers and HMAC signature on every request.
local http = require("gateway_tray_agent.http")
local hmac = require("gateway_tray_agent.hmac")
local cert = require("gateway_tray_agent.cert")
local identity = require("gateway_tray_agent.identity")

local tostring = tostring

local _M = {}

local BUNDLE_HINT = " (the bundle goes into /cloud/tls, readable by the gateway's user)"

-- The target with its client certificate, and the HMAC key derived from the certificate's serial.
local function target_of(cp, instance_id)
  local target = { scheme = cp.scheme, host = cp.host, port = cp.port, sni = cp.sni, verify = cp.verify }
  if not cp.cert_file then
    return target
  end
  local pem, err = identity.read_file(cp.cert_file)
  if not pem then
    return nil, "cannot read the client certificate " .. cp.cert_file .. ": " .. tostring(err) .. BUNDLE_HINT
  end
  local key_pem, kerr = identity.read_file(cp.key_file)
  if not key_pem then
    return nil, "cannot read the client key " .. cp.key_file .. ": " .. tostring(kerr) .. BUNDLE_HINT
  end
  local der = cert.pem_to_der(pem, ngx.decode_base64)
  local serial = der and cert.serial_hex(der)
  if not serial then
    return nil, "TLS: the client certificate " .. cp.cert_file .. " is not a PEM certificate" .. BUNDLE_HINT
  end
  -- PEM strings: tlshandshake takes them as they are; the setclientcert path parses them itself.
  target.client_cert, target.client_key = pem, key_pem
  return target, nil, hmac.signing_key(serial, instance_id, ngx.md5)
end

--- POSTs a JSON body. `who` = {instance_id, run_id}. Returns {status, headers, body} or nil and an error.
function _M.post(cp, who, path, body, timeouts)
  local target, err, key = target_of(cp, who.instance_id)
  if not target then
    return nil, err
  end
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-APISEVEN-Instance-Id"] = who.instance_id,
    ["X-APISEVEN-Run-Id"] = who.run_id,
  }
  local signature = key and hmac.signature(body, key, ngx.encode_base64)
  if signature then
    headers["X-HMAC-SIGNATURE"] = signature
  end
  return http.request(target, { method = "POST", path = path, headers = headers, body = body }, timeouts)
end

return _M
