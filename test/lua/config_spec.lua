local config = require("gateway_tray_agent.config")

-- The control plane's template (agreed shape), rendered and parsed as APISIX would see it.
local function template_conf()
  return {
    apisix = {
      node_listen = 9080,
      enable_admin = false,
      ssl = { enable = true, listen = { { port = 9443 } }, ssl_trusted_certificate = "/cloud/tls/ca.crt" },
      lua_module_hook = "gateway_tray_agent.hook",
      extra_lua_path = "/cloud_lua_module/?.lua",
    },
    deployment = {
      role = "data_plane",
      role_data_plane = { config_provider = "etcd" },
      etcd = {
        host = { "https://host.docker.internal:43117" },
        prefix = "/apisix",
        timeout = 30,
        tls = { cert = "/cloud/tls/tls.crt", key = "/cloud/tls/tls.key", verify = true, sni = "cp.gateway-tray.local" },
      },
    },
    plugin_attr = {
      prometheus = { export_uri = "/apisix/prometheus/metrics", export_addr = { ip = "0.0.0.0", port = 9091 } },
    },
  }
end

describe("config", function()
  it("reads the control plane, TLS files, ports and metrics source from the template", function()
    local s = assert(config.from_conf(template_conf(), "/usr/local/apisix/"))
    assert.same({
      scheme = "https", host = "host.docker.internal", port = 43117, sni = "cp.gateway-tray.local", verify = true,
      cert_file = "/cloud/tls/tls.crt", key_file = "/cloud/tls/tls.key", trusted_ca = "/cloud/tls/ca.crt",
    }, s.control_plane)
    assert.equal("cp.gateway-tray.local", s.domain)
    assert.same({ "9080", "9443" }, s.ports)
    assert.same({ scheme = "http", host = "127.0.0.1", port = 9091, path = "/apisix/prometheus/metrics" }, s.metrics_source)
    assert.equal("/usr/local/apisix/logs/agent-status.json", s.status_file)
    assert.equal(10, s.heartbeat_interval)
    assert.equal(15, s.metrics_interval)
  end)

  it("accepts the top-level etcd block APISIX derives from deployment.etcd", function()
    local conf = template_conf()
    conf.etcd, conf.deployment = conf.deployment.etcd, nil
    local s = assert(config.from_conf(conf, "/usr/local/apisix"))
    assert.equal(43117, s.control_plane.port)
    assert.equal("/usr/local/apisix/logs/agent-status.json", s.status_file)
  end)

  it("takes every form of node_listen and defaults for what is missing", function()
    local conf = template_conf()
    conf.apisix.node_listen = { 9080, { ip = "0.0.0.0", port = 9081 }, 9080 }
    conf.apisix.ssl.enable = false
    conf.plugin_attr = nil
    local s = assert(config.from_conf(conf))
    assert.same({ "9080", "9081" }, s.ports)
    assert.same({ scheme = "http", host = "127.0.0.1", port = 9091, path = "/apisix/prometheus/metrics" }, s.metrics_source)
  end)

  it("says what to do when the template was not used", function()
    local s, err = config.from_conf({ apisix = {} })
    assert.is_nil(s)
    assert.matches("deployment.etcd.host", err)
    local conf = template_conf()
    conf.deployment.etcd.tls = nil
    s, err = config.from_conf(conf)
    assert.is_nil(s)
    assert.matches("mutual TLS", err)
    s, err = config.from_conf(nil)
    assert.is_nil(s)
    assert.is_string(err)
  end)

  it("parses URLs", function()
    assert.same({ scheme = "https", host = "a.b", port = 443 }, config.parse_url("https://a.b"))
    assert.same({ scheme = "http", host = "10.0.0.1", port = 2379 }, config.parse_url("http://10.0.0.1:2379/x"))
    assert.same({ scheme = "https", host = "::1", port = 8443 }, config.parse_url("https://[::1]:8443"))
    assert.is_nil(config.parse_url("grpc://x:1"))
    assert.is_nil(config.parse_url(42))
  end)
end)
