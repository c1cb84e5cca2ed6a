local resolve = require("gateway_tray_agent.resolve")

local function write(text)
  local path = os.tmpname()
  local f = assert(io.open(path, "w"))
  f:write(text)
  f:close()
  return path
end

describe("resolve", function()
  it("tells IP literals from names", function()
    assert.is_true(resolve.is_ip("172.17.0.1"))
    assert.is_true(resolve.is_ip("::1"))
    assert.is_true(resolve.is_ip("fe80::42:acff:fe11:2"))
    assert.is_false(resolve.is_ip("256.1.1.1"))
    assert.is_false(resolve.is_ip("host.docker.internal"))
    assert.is_false(resolve.is_ip("cafe"))
  end)

  it("reads hosts files like Docker writes them, preferring IPv4", function()
    local map = resolve.parse_hosts(table.concat({
      "127.0.0.1\tlocalhost",
      "::1\tlocalhost ip6-localhost ip6-loopback",
      "# a comment 10.0.0.1 nothing",
      "172.17.0.1\thost.docker.internal",
      "172.17.0.3\tA1B2C3D4 # the container",
      "10.9.9.9 host.docker.internal",
    }, "\n"))
    assert.equal("127.0.0.1", map["localhost"])
    assert.equal("::1", map["ip6-loopback"])
    assert.equal("172.17.0.1", map["host.docker.internal"])
    assert.equal("172.17.0.3", map["a1b2c3d4"])
    assert.is_nil(map["nothing"])
  end)

  it("resolves literals as they are and names through the hosts file", function()
    local hosts = write("172.17.0.1 host.docker.internal\n")
    assert.equal("10.1.2.3", resolve.resolve("10.1.2.3", { hosts_file = hosts }))
    assert.equal("172.17.0.1", resolve.resolve("Host.Docker.Internal", { hosts_file = hosts }))
    os.remove(hosts)
  end)

  it("says why a name cannot be resolved outside APISIX", function()
    local hosts = write("127.0.0.1 localhost\n")
    local addr, err = resolve.resolve("cp.example.invalid", { hosts_file = hosts, resolv_conf = "/nonexistent" })
    assert.is_nil(addr)
    assert.matches("cannot resolve cp.example.invalid", err)
    os.remove(hosts)
    addr, err = resolve.resolve("")
    assert.is_nil(addr)
    assert.is_string(err)
  end)

  it("reads nameservers from resolv.conf", function()
    assert.same({ "127.0.0.11", "10.0.0.2" },
      resolve.parse_resolv_conf("search x\nnameserver 127.0.0.11\n# nameserver 1.1.1.1\nnameserver 10.0.0.2\noptions ndots:0\n"))
  end)
end)
