-- HMAC-SHA256 (RFC 2104) and the request signature of PROTOCOL §2:
-- base64(HMAC-SHA256(body, key = md5_hex(SERIAL) .. instance_id)), SERIAL being the certificate's serial
-- as OpenSSL's BN_bn2hex writes it. This is the key API7's Cloud Lua Module derives, so that a control
-- plane checking signatures treats both agents alike.
local sha256 = require("gateway_tray_agent.sha256")
local bit = require("bit")
local bxor = bit.bxor
local byte, char, rep = string.byte, string.char, string.rep

local _M = {}

local BLOCK = 64

--- Bodies larger than this are sent without a signature (PROTOCOL §2).
_M.MAX_SIGNED_BODY = 8192

local function xor_pad(key, value)
  return (key:gsub(".", function(c) return char(bxor(byte(c), value)) end))
end

--- The raw HMAC-SHA256 of `msg` under `key`.
function _M.sha256(key, msg)
  if #key > BLOCK then
    key = sha256.digest(key)
  end
  key = key .. rep("\0", BLOCK - #key)
  local inner = sha256.digest(xor_pad(key, 0x36) .. msg)
  return sha256.digest(xor_pad(key, 0x5c) .. inner)
end

function _M.sha256_hex(key, msg)
  return sha256.to_hex(_M.sha256(key, msg))
end

--- The signing key: 32 lowercase hex digits of MD5(serial), then the instance id, appended after
-- hashing (not hashed with the serial). `serial_hex` as cert.serial_hex writes it (uppercase);
-- `md5_hex` is ngx.md5 in nginx, passed in so the pure part stays testable.
function _M.signing_key(serial_hex, instance_id, md5_hex)
  return md5_hex(serial_hex:upper()) .. instance_id
end

--- The X-HMAC-SIGNATURE value for `body`, or nil when the body is too big to be signed.
function _M.signature(body, key, encode_base64)
  if #body > _M.MAX_SIGNED_BODY then
    return nil
  end
  return encode_base64(_M.sha256(key, body))
end

return _M
