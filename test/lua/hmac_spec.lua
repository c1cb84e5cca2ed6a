local hmac = require("gateway_tray_agent.hmac")
local openssl = require("support.openssl")

local function unhex(h)
  return (h:gsub("%x%x", function(b) return string.char(tonumber(b, 16)) end))
end

describe("hmac", function()
  it("matches RFC 4231 test cases", function()
    assert.equal("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
      hmac.sha256_hex(string.rep("\11", 20), "Hi There"))
    assert.equal("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
      hmac.sha256_hex("Jefe", "what do ya want for nothing?"))
    assert.equal("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
      hmac.sha256_hex(string.rep("\170", 20), string.rep("\221", 50)))
    -- A key longer than the block size is hashed first.
    assert.equal("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
      hmac.sha256_hex(string.rep("\170", 131), "Test Using Larger Than Block-Size Key - Hash Key First"))
    assert.equal(unhex("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
      hmac.sha256(string.rep("\170", 131), "Test Using Larger Than Block-Size Key - Hash Key First"))
  end)

  it("matches openssl dgst -sha256 -hmac", function()
    local key = "0123456789abcdef0123456789abcdef"
    for _, body in ipairs({ "", "{}", '{"id":"392306215415186327","api_calls":12}', string.rep("x", 8192) }) do
      assert.equal(openssl.hmac_sha256_hex(key, body), hmac.sha256_hex(key, body))
      assert.equal(openssl.hmac_sha256_hex_text_key(key, body), hmac.sha256_hex(key, body))
    end
  end)

  it("derives the signing key as the hex MD5 of serial and instance id", function()
    local key = hmac.signing_key("1A2B", "392306215415186327", openssl.md5_hex)
    assert.equal(openssl.md5_hex("1A2B392306215415186327"), key)
    assert.matches("^%x+$", key)
    assert.equal(32, #key)
  end)

  it("signs bodies up to 8 KiB, as base64, and no larger ones", function()
    local key = "k"
    local body = string.rep("b", 8192)
    local sig = hmac.signature(body, key, openssl.base64)
    assert.equal(hmac.sha256(key, body), openssl.unbase64(sig))
    assert.is_nil(hmac.signature(body .. "!", key, openssl.base64))
  end)
end)
