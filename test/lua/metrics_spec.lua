local metrics = require("gateway_tray_agent.metrics")

local SAMPLE = table.concat({
  "# HELP apisix_bandwidth Total bandwidth in bytes consumed per service in APISIX",
  "# TYPE apisix_bandwidth counter",
  'apisix_bandwidth{type="egress",route="1",service="",consumer="",node="10.0.0.1"} 1234',
  "# HELP apisix_etcd_modify_indexes Etcd modify index for APISIX keys",
  "# TYPE apisix_etcd_modify_indexes gauge",
  'apisix_etcd_modify_indexes{key="consumers"} 0',
  'apisix_etcd_modify_indexes{key="max_modify_index"} 57',
  "# HELP apisix_etcd_reachable Config server etcd reachable from APISIX, 0 is unreachable",
  "# TYPE apisix_etcd_reachable gauge",
  "apisix_etcd_reachable 1",
  "# HELP apisix_http_latency HTTP request latency in milliseconds per service in APISIX",
  "# TYPE apisix_http_latency histogram",
  'apisix_http_latency_bucket{type="request",route="1",le="1"} 3',
  'apisix_http_latency_count{type="request",route="1"} 3',
  'apisix_http_latency_sum{type="request",route="1"} 2',
  'apisix_http_requests_total 10',
  "# TYPE apisix_http_status counter",
  'apisix_http_status{code="200",route="1",matched_uri="/x",matched_host="",service="",consumer="",node="10.0.0.1"} 3',
  'apisix_nginx_http_current_connections{state="active"} 1',
  'apisix_nginx_metric_errors_total 0',
  "",
}, "\n")

describe("metrics", function()
  it("keeps only the four families of PROTOCOL 2.2, with their HELP and TYPE lines", function()
    local lines = metrics.filter(SAMPLE)
    assert.same({
      "# HELP apisix_bandwidth Total bandwidth in bytes consumed per service in APISIX",
      "# TYPE apisix_bandwidth counter",
      'apisix_bandwidth{type="egress",route="1",service="",consumer="",node="10.0.0.1"} 1234',
      "# HELP apisix_http_latency HTTP request latency in milliseconds per service in APISIX",
      "# TYPE apisix_http_latency histogram",
      'apisix_http_latency_bucket{type="request",route="1",le="1"} 3',
      'apisix_http_latency_count{type="request",route="1"} 3',
      'apisix_http_latency_sum{type="request",route="1"} 2',
      "# TYPE apisix_http_status counter",
      'apisix_http_status{code="200",route="1",matched_uri="/x",matched_host="",service="",consumer="",node="10.0.0.1"} 3',
      'apisix_nginx_http_current_connections{state="active"} 1',
    }, lines)
  end)

  it("splits into chunks no larger than the limit, losing and reordering nothing", function()
    local lines = {}
    for i = 1, 500 do
      lines[i] = 'apisix_http_status{code="200",route="r' .. i .. '"} ' .. i
    end
    for _, max in ipairs({ 64, 100, 1000, 4096, 1024 * 1024 }) do
      local chunks, dropped = metrics.chunk(lines, max)
      assert.equal(0, dropped)
      for _, c in ipairs(chunks) do
        assert.is_true(#c <= max, "chunk of " .. #c .. " > " .. max)
      end
      assert.equal(table.concat(lines, "\n") .. "\n", table.concat(chunks))
    end
    assert.equal(1, #metrics.chunk(lines, 1024 * 1024))
  end)

  it("reports a line too long for any chunk instead of sending it", function()
    local chunks, dropped = metrics.chunk({ "a 1", string.rep("b", 100) .. " 1", "c 1" }, 20)
    assert.equal(1, dropped)
    assert.same({ "a 1\nc 1\n" }, chunks)
    chunks, dropped = metrics.chunk({}, 20)
    assert.same({}, chunks)
    assert.equal(0, dropped)
  end)

  it("reads the gateway's view of the config centre", function()
    assert.same({ etcd_reachable = true, applied_revision = 57 }, metrics.config_centre_view(SAMPLE))
    assert.same({ etcd_reachable = false, applied_revision = nil },
      metrics.config_centre_view("apisix_etcd_reachable 0\napisix_etcd_reachable_x 1\n"))
    -- Nothing said is unknown, not false.
    assert.same({}, metrics.config_centre_view(""))
  end)
end)
