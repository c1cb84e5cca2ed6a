local cjson = require("cjson.safe")
local heartbeat = require("gateway_tray_agent.heartbeat")

describe("heartbeat", function()
  local fields = {
    id = "392306215415186327", hostname = "a1b2c3", ip = "172.17.0.2", domain = "cp.gateway-tray.local",
    version = "APISIX/3.13.0", api_calls = 7, etcd_reachable = true, config_version = 3, ports = { "9080" },
    applied_revision = 42, agent_version = "0.1.0",
  }

  it("carries every field of PROTOCOL 2.1 with its JSON type", function()
    local body = assert(cjson.decode(heartbeat.payload(fields)))
    for _, k in ipairs({ "id", "hostname", "ip", "domain", "version", "api_calls", "etcd_reachable",
      "config_version", "ports", "applied_revision", "agent_version" }) do
      assert.is_not_nil(body[k], k)
    end
    assert.equal("392306215415186327", body.id)
    assert.equal(7, body.api_calls)
    assert.is_true(body.etcd_reachable)
    assert.same({ "9080" }, body.ports)
    assert.matches('"ports":%["9080"%]', heartbeat.payload(fields))
    assert.equal(42, body.applied_revision)
  end)

  it("sends ports as a JSON array even when empty, and zeros for unknown counters", function()
    local text = heartbeat.payload({ id = "1", ports = {} })
    assert.matches('"ports":%[%]', text)
    local body = cjson.decode(text)
    assert.equal(0, body.api_calls)
    assert.equal(0, body.config_version)
  end)

  it("leaves etcd_reachable and applied_revision out while they are unknown, not false and 0", function()
    local body = cjson.decode(heartbeat.payload({ id = "1", ports = {} }))
    assert.is_nil(body.etcd_reachable)
    assert.is_nil(body.applied_revision)
    body = cjson.decode(heartbeat.payload({ id = "1", ports = {}, etcd_reachable = false, applied_revision = 0 }))
    assert.is_false(body.etcd_reachable)
    assert.equal(0, body.applied_revision)
  end)

  it("reads max_metrics_size and the config version from an accepted heartbeat", function()
    local res = assert(heartbeat.parse_response(200, cjson.encode({
      status = { code = 0, message = "OK" },
      payload = { max_metrics_size = 4096, config = { version = 9, payload = "apisix: {}" } },
    })))
    assert.equal(4096, res.max_metrics_size)
    assert.equal(9, res.config_version)
    res = assert(heartbeat.parse_response(200, '{"status":{"code":0,"message":"OK"},"payload":{}}'))
    assert.is_nil(res.max_metrics_size)
  end)

  it("turns refusals into errors that say what happened", function()
    local res, err = heartbeat.parse_response(401, '{"status":{"code":6,"message":"Unauthorized"},"error":"instance id does not match the certificate"}')
    assert.is_nil(res)
    assert.matches("HTTP 401", err)
    assert.matches("instance id does not match the certificate", err)
    assert.matches("renew", err)
    res, err = heartbeat.parse_response(502, "<html>bad gateway</html>")
    assert.is_nil(res)
    assert.matches("HTTP 502: <html>bad gateway", err)
    res, err = heartbeat.parse_response(200, "not json")
    assert.is_nil(res)
    assert.matches("without a JSON envelope", err)
    res, err = heartbeat.parse_response(200, '{"status":{"code":3,"message":"bad"},"error":"missing id"}')
    assert.is_nil(res)
    assert.matches("code 3.*missing id", err)
  end)
end)
