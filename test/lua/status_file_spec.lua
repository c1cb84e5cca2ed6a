local cjson = require("cjson.safe")
local status_file = require("gateway_tray_agent.status_file")

local function tmpdir()
  local p = io.popen("mktemp -d")
  local d = p:read("*l")
  p:close()
  return d
end

local function listing(dir)
  local p = io.popen("ls -A " .. dir)
  local out = p:read("*a")
  p:close()
  return out
end

describe("status_file", function()
  it("writes times as RFC 3339 UTC with milliseconds", function()
    assert.equal("2026-11-27T08:19:49.000Z", status_file.rfc3339(1795767589))
    assert.equal("2026-11-27T08:19:49.250Z", status_file.rfc3339(1795767589.25))
    assert.equal("2026-11-27T08:19:50.000Z", status_file.rfc3339(1795767589.9996))
    assert.equal(cjson.null, status_file.rfc3339(nil))
  end)

  it("holds every field of PROTOCOL 5, null when unknown", function()
    local doc = cjson.decode(status_file.encode({
      instance_id = "392306215415186327", run_id = "0b7e4c7e-3f4e-4b8e-9d43-0c1f5e2a9a10",
      last_attempt_at = 1795767589.5, consecutive_failures = 2,
      last_error = "cannot connect to host.docker.internal:43117 (172.17.0.1): connection refused",
      heartbeat_interval_s = 10,
    }))
    assert.same({
      instance_id = "392306215415186327",
      run_id = "0b7e4c7e-3f4e-4b8e-9d43-0c1f5e2a9a10",
      registered_at = cjson.null,
      last_attempt_at = "2026-11-27T08:19:49.500Z",
      last_success_at = cjson.null,
      consecutive_failures = 2,
      last_error = "cannot connect to host.docker.internal:43117 (172.17.0.1): connection refused",
      heartbeat_interval_s = 10,
    }, doc)
  end)

  it("replaces the file atomically and leaves no temporary file", function()
    local dir = tmpdir()
    local path = dir .. "/agent-status.json"
    assert.is_true(status_file.write(path, { instance_id = "a", consecutive_failures = 0, heartbeat_interval_s = 10 }, ".1"))
    assert.is_true(status_file.write(path, { instance_id = "b", consecutive_failures = 1, heartbeat_interval_s = 10 }, ".1"))
    local f = assert(io.open(path))
    local doc = cjson.decode(f:read("*a"))
    f:close()
    assert.equal("b", doc.instance_id)
    assert.equal("agent-status.json\n", listing(dir))
    os.execute("rm -rf " .. dir)
  end)

  it("says where it could not write", function()
    local ok, err = status_file.write("/nonexistent-dir/agent-status.json", { consecutive_failures = 0 })
    assert.is_nil(ok)
    assert.matches("cannot write the status file /nonexistent%-dir/agent%-status.json.tmp", err)
  end)

  it("prints the registration as one line: the prefix, then the status as the file holds it", function()
    local s = { instance_id = "392306215415186327", run_id = "r1", registered_at = 1795767589.25,
      last_success_at = 1795767589.25, consecutive_failures = 0, heartbeat_interval_s = 10 }
    local written = {}
    local out = { write = function(self, text) written[#written + 1] = text; return self end }
    assert.is_true(status_file.announce(s, out))
    assert.equal(1, #written)
    local line = written[1]
    assert.equal(status_file.REGISTERED_PREFIX, line:sub(1, #status_file.REGISTERED_PREFIX))
    assert.equal("\n", line:sub(-1))
    assert.is_nil(line:sub(1, -2):find("\n", 1, true))
    local doc = cjson.decode(line:sub(#status_file.REGISTERED_PREFIX + 1, -2))
    assert.same(cjson.decode(status_file.encode(s)), doc)
    assert.equal("2026-11-27T08:19:49.250Z", doc.registered_at)
  end)

  it("says when the registration line could not be printed", function()
    local out = { write = function() return nil, "Broken pipe" end }
    local ok, err = status_file.announce({ consecutive_failures = 0 }, out)
    assert.is_nil(ok)
    assert.equal("cannot print the registration line: Broken pipe", err)
  end)
end)
