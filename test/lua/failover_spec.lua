local failover = require("gateway_tray_agent.failover")
local config = require("gateway_tray_agent.config")

local function targets()
  return { { host = "a", port = 1 }, { host = "b", port = 2 }, { host = "c", port = 3 } }
end

-- A stand-in sender: which hosts are down (no connection) or answer 5xx, and the order they were asked.
local function sender(down, status)
  local asked = {}
  return function(t)
    asked[#asked + 1] = t.host
    if down[t.host] then
      return nil, "connection refused"
    end
    return { status = status and status[t.host] or 200, body = "{}" }
  end, asked
end

describe("failover", function()
  it("uses the first address while it answers", function()
    local f = failover.new(targets())
    local send, asked = sender({})
    assert.equal(200, failover.send(f, send).status)
    assert.equal(200, failover.send(f, send).status)
    assert.same({ "a", "a" }, asked)
    assert.equal("a:1", failover.current(f))
  end)

  it("moves on to the next address in order within the same request, and stays there", function()
    local f = failover.new(targets())
    local send, asked = sender({ a = true })
    assert.equal(200, failover.send(f, send).status)
    assert.same({ "a", "b" }, asked)
    assert.equal("b:2", failover.current(f))
    failover.send(f, send)
    assert.same({ "a", "b", "b" }, asked, "sticks to the address that answered")
  end)

  it("treats 5xx as a failure but a 4xx as an answer", function()
    local f = failover.new(targets())
    local send, asked = sender({}, { a = 503, b = 403 })
    assert.equal(403, failover.send(f, send).status)
    assert.same({ "a", "b" }, asked)
  end)

  it("wraps around from the last address to the first", function()
    local f = failover.new(targets())
    f.current = 3
    local send, asked = sender({ c = true })
    assert.equal(200, failover.send(f, send).status)
    assert.same({ "c", "a" }, asked)
  end)

  it("names every address when all fail, and starts the next round on the next one", function()
    local f = failover.new(targets())
    local send, asked = sender({ a = true, b = true, c = true })
    local res, err = failover.send(f, send)
    assert.is_nil(res)
    assert.matches("every control%-plane address failed", err)
    assert.matches("a:1: connection refused", err)
    assert.matches("c:3: connection refused", err)
    assert.same({ "a", "b", "c" }, asked)
    assert.equal("b:2", failover.current(f))
  end)

  it("keeps a single address's error as it was", function()
    local f = failover.new({ { host = "a", port = 1 } })
    local res, err = failover.send(f, sender({ a = true }))
    assert.is_nil(res)
    assert.equal("connection refused", err)
  end)

  it("returns the last 5xx answer when every address answers 5xx", function()
    local f = failover.new(targets())
    local res = failover.send(f, sender({}, { a = 502, b = 503, c = 500 }))
    assert.equal(500, res.status)
  end)
end)

describe("config with several data-plane addresses", function()
  it("reads every deployment.etcd.host, in order, with the same TLS settings", function()
    local conf = {
      deployment = {
        etcd = {
          host = { "https://cp-a.example:7443", "https://[::1]:7444" },
          tls = { cert = "/cloud/tls/tls.crt", key = "/cloud/tls/tls.key", sni = "cp.gateway-tray.local" },
        },
      },
    }
    local s = assert(config.from_conf(conf, "/usr/local/apisix/"))
    assert.equal(2, #s.control_planes)
    assert.equal("cp-a.example", s.control_planes[1].host)
    assert.equal("::1", s.control_planes[2].host)
    assert.equal(7444, s.control_planes[2].port)
    assert.equal("cp.gateway-tray.local", s.control_planes[2].sni)
    assert.equal("/cloud/tls/tls.key", s.control_planes[2].key_file)
    assert.same(s.control_planes[1], s.control_plane)
  end)

  it("names the host that does not parse", function()
    local conf = { deployment = { etcd = { host = { "https://a:1", "ftp://b" }, tls = { cert = "c", key = "k" } } } }
    local s, err = config.from_conf(conf)
    assert.is_nil(s)
    assert.matches("deployment.etcd.host%[2%]", err)
  end)
end)
