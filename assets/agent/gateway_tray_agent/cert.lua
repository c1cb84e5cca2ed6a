-- Reads the serial number of the client certificate from its PEM text, for the HMAC key (PROTOCOL §2).
-- Only the few DER headers in front of the serial are parsed: Certificate ::= SEQUENCE {
-- tbsCertificate SEQUENCE { [0] version OPTIONAL, serialNumber INTEGER, ... }, ... }.
local byte, format, sub = string.byte, string.format, string.sub
local concat = table.concat

local _M = {}

--- The DER bytes of the first CERTIFICATE block of `pem`, or nil and an error.
function _M.pem_to_der(pem, decode_base64)
  local body = pem:match("%-%-%-%-%-BEGIN CERTIFICATE%-%-%-%-%-(.-)%-%-%-%-%-END CERTIFICATE%-%-%-%-%-")
  if not body then
    return nil, "no CERTIFICATE block in the PEM text"
  end
  local der = decode_base64((body:gsub("%s", "")))
  if not der then
    return nil, "the CERTIFICATE block is not valid base64"
  end
  return der
end

-- Returns tag, content start, content length and the position after the element.
local function element(der, pos)
  local tag, first = byte(der, pos, pos + 1)
  if not first then
    return nil, "truncated DER"
  end
  local len, start = first, pos + 2
  if first >= 0x80 then
    local n = first - 0x80
    if n < 1 or n > 4 then
      return nil, "unsupported DER length"
    end
    len = 0
    for i = 0, n - 1 do
      local b = byte(der, start + i)
      if not b then
        return nil, "truncated DER"
      end
      len = len * 256 + b
    end
    start = start + n
  end
  if start + len - 1 > #der then
    return nil, "truncated DER"
  end
  return tag, start, len, start + len
end

--- The serial number as uppercase hex of its magnitude bytes (no sign byte), the way OpenSSL and
-- Node's `X509Certificate.serialNumber` print it.
function _M.serial_hex(der)
  local tag, start, _
  tag, start, _ = element(der, 1)                 -- Certificate
  if tag ~= 0x30 then return nil, "not a DER certificate" end
  tag, start, _ = element(der, start)             -- tbsCertificate
  if tag ~= 0x30 then return nil, "not a DER certificate" end
  local len, after
  tag, _, len, after = element(der, start)
  if tag == 0xa0 then                             -- explicit [0] version
    tag, start, len, after = element(der, after)
  else
    tag, start, len, after = element(der, start)
  end
  if tag ~= 0x02 then
    return nil, "no serial number in the certificate"
  end
  local bytes = sub(der, start, start + len - 1)
  -- Strip the sign padding byte but keep at least one byte.
  while #bytes > 1 and byte(bytes, 1) == 0 do
    bytes = sub(bytes, 2)
  end
  local out = {}
  for i = 1, #bytes do
    out[i] = format("%02X", byte(bytes, i))
  end
  return concat(out)
end

return _M
