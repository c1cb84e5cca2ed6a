local cert = require("gateway_tray_agent.cert")
local openssl = require("support.openssl")

describe("cert", function()
  it("reads the serial the way openssl prints it", function()
    -- 0x80... needs a sign byte in DER; 0x01 is short; the long one is like a random serial.
    for _, serial in ipairs({ "0x01", "0x80AB", "0x7f", "0x3A9F00C1D2E3F4051627384950AABBCC" }) do
      local pem, printed = openssl.cert_with_serial(serial)
      local der = assert(cert.pem_to_der(pem, openssl.unbase64))
      assert.equal(printed, cert.serial_hex(der), serial)
    end
  end)

  it("says what is wrong with input that is not a certificate", function()
    local der, err = cert.pem_to_der("hello", openssl.unbase64)
    assert.is_nil(der)
    assert.matches("no CERTIFICATE block", err)
    local serial, serr = cert.serial_hex("\48\1")
    assert.is_nil(serial)
    assert.is_string(serr)
  end)
end)
