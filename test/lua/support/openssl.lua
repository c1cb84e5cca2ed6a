-- Reference values from the openssl command line, to check the agent's pure-Lua crypto against.
local _M = {}

local function tmpfile(data)
  local path = os.tmpname()
  local f = assert(io.open(path, "wb"))
  f:write(data)
  f:close()
  return path
end

local function run(cmd)
  local p = assert(io.popen(cmd .. " 2>/dev/null", "r"))
  local out = p:read("*a")
  p:close()
  return out
end

local function to_hex(s)
  return (s:gsub(".", function(c) return string.format("%02x", c:byte()) end))
end
_M.to_hex = to_hex

local function digest_of(out)
  return assert(out:match("= (%x+)%s*$") or out:match("^(%x+)"), "no digest in openssl output: " .. out)
end

--- `openssl dgst <args> -r` over data written to a temporary file, as a lowercase hex digest.
local function dgst(args, data)
  local path = tmpfile(data)
  local out = run("openssl dgst " .. args .. " -r " .. path)
  os.remove(path)
  return digest_of(out)
end

function _M.sha256_hex(data)
  return dgst("-sha256", data)
end

function _M.md5_hex(data)
  return dgst("-md5", data)
end

function _M.hmac_sha256_hex(key, data)
  return dgst("-sha256 -mac HMAC -macopt hexkey:" .. to_hex(key), data)
end

--- The same through `openssl dgst -sha256 -hmac <key>`, for printable keys such as the hex MD5 one.
function _M.hmac_sha256_hex_text_key(key, data)
  assert(key:match("^[%w]+$"), "printable keys only")
  return dgst("-sha256 -hmac " .. key, data)
end

function _M.base64(data)
  local path = tmpfile(data)
  local out = run("openssl base64 -A -in " .. path)
  os.remove(path)
  return (out:gsub("%s", ""))
end

function _M.unbase64(text)
  local path = tmpfile((text:gsub("%s", "")) .. "\n")
  local bin = os.tmpname()
  run("openssl base64 -d -A -in " .. path .. " -out " .. bin)
  local f = assert(io.open(bin, "rb"))
  local data = f:read("*a")
  f:close()
  os.remove(path)
  os.remove(bin)
  return data
end

--- A self-signed certificate with the given serial (an openssl -set_serial argument), as PEM, and
-- openssl's own reading of the serial.
function _M.cert_with_serial(serial)
  local dir = run("mktemp -d"):gsub("%s+$", "")
  run("openssl req -x509 -newkey rsa:2048 -nodes -keyout " .. dir .. "/k.pem -out " .. dir
    .. "/c.pem -subj /CN=test -days 1 -set_serial " .. serial)
  local f = assert(io.open(dir .. "/c.pem", "r"), "openssl did not write a certificate")
  local pem = f:read("*a")
  f:close()
  local printed = run("openssl x509 -in " .. dir .. "/c.pem -noout -serial"):match("serial=(%x+)")
  run("rm -rf " .. dir)
  return pem, printed
end

return _M
