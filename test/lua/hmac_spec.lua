local hmac = require("gateway_tray_agent.hmac")
local openssl = require("support.openssl")
local cjson = require("cjson")

-- Captured from API7's module by a real APISIX 3.13 gateway (busted runs from the repository root).
local VECTORS = os.getenv("GATEWAY_TRAY_VECTORS") or "../shared/vectors/api7-hmac.json"

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

  it("derives the signing key as md5_hex(SERIAL) followed by the instance id (PROTOCOL §2)", function()
    local key = hmac.signing_key("7A3E34B1D34C18D40624829000ACFA2B", "392306215415186327", openssl.md5_hex)
    assert.equal(openssl.md5_hex("7A3E34B1D34C18D40624829000ACFA2B") .. "392306215415186327", key)
    assert.equal(32 + #"392306215415186327", #key)
    -- Not the old, wrong reading md5_hex(serial .. id).
    assert.not_equal(openssl.md5_hex("7A3E34B1D34C18D40624829000ACFA2B392306215415186327"), key)
    -- SERIAL is BN_bn2hex's uppercase form, whatever case the caller has.
    assert.equal(key, hmac.signing_key("7a3e34b1d34c18d40624829000acfa2b", "392306215415186327", openssl.md5_hex))
  end)

  it("reproduces the signatures API7's Cloud Lua Module sent on the wire", function()
    local f = assert(io.open(VECTORS, "r"), "known-answer vectors at " .. VECTORS)
    local doc = cjson.decode(f:read("*a"))
    f:close()
    assert.is_true(#doc.vectors >= 2)
    for _, v in ipairs(doc.vectors) do
      local key = hmac.signing_key(v.serial_hex, v.instance_id, openssl.md5_hex)
      assert.equal(v.x_hmac_signature, hmac.signature(v.body, key, openssl.base64), v.path)
    end
  end)

  it("signs bodies up to 8 KiB, as base64, and no larger ones", function()
    local key = "k"
    local body = string.rep("b", 8192)
    local sig = hmac.signature(body, key, openssl.base64)
    assert.equal(hmac.sha256(key, body), openssl.unbase64(sig))
    assert.is_nil(hmac.signature(body .. "!", key, openssl.base64))
  end)
end)
