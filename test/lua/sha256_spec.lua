local sha256 = require("gateway_tray_agent.sha256")
local openssl = require("support.openssl")

describe("sha256", function()
  it("matches the FIPS 180-4 examples", function()
    assert.equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", sha256.hex(""))
    assert.equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", sha256.hex("abc"))
    assert.equal("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
      sha256.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
  end)

  it("matches one million 'a'", function()
    assert.equal("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0", sha256.hex(string.rep("a", 1000000)))
  end)

  it("matches openssl around every padding boundary and on binary data", function()
    for _, n in ipairs({ 1, 54, 55, 56, 57, 63, 64, 65, 119, 120, 128, 1000, 8192 }) do
      local data = {}
      for i = 1, n do
        data[i] = string.char((i * 7 + n) % 256)
      end
      data = table.concat(data)
      assert.equal(openssl.sha256_hex(data), sha256.hex(data), "length " .. n)
    end
  end)
end)
