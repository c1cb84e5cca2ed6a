-- The heartbeat of PROTOCOL §2.1: its body and the reading of the control plane's answer. Pure.
local cjson = require("cjson.safe")
local type, tonumber, tostring = type, tonumber, tostring

local _M = {}

_M.PATH = "/api/v1/dp/instance/heartbeat"

-- Not every cjson has array_mt (Debian's has not), and an empty Lua table encodes as {}; ports must
-- stay a JSON array.
local function json_array(list)
  if #list == 0 then
    return "[]"
  end
  return cjson.encode(list)
end

--- The JSON body. `s` holds every field of §2.1. `etcd_reachable` and `applied_revision` are left out
-- while unknown (nil): a failed scrape of APISIX's Prometheus, which real APISIX 3.13 answers with 500
-- for its first seconds, says nothing about the config centre, and the control plane must not take a
-- guess for a fact.
function _M.payload(s)
  local body = cjson.encode({
    id = s.id,
    hostname = s.hostname,
    ip = s.ip,
    domain = s.domain,
    version = s.version,
    api_calls = s.api_calls or 0,
    etcd_reachable = s.etcd_reachable,
    config_version = s.config_version or 0,
    applied_revision = s.applied_revision,
    agent_version = s.agent_version,
  })
  return body:sub(1, -2) .. ',"ports":' .. json_array(s.ports or {}) .. "}"
end

-- The envelope's error text, when there is one.
local function envelope_error(doc)
  if type(doc) ~= "table" then
    return nil
  end
  local msg = doc.error
  if type(msg) ~= "string" and type(doc.status) == "table" then
    msg = doc.status.message
  end
  return type(msg) == "string" and msg or nil
end

--- Reads the answer. Returns {max_metrics_size, config_version} or nil and an error saying what failed.
function _M.parse_response(status, body)
  local doc = cjson.decode(body or "")
  if status ~= 200 then
    local msg = envelope_error(doc) or (body or ""):sub(1, 200)
    local hint = ""
    if status == 401 or status == 403 then
      hint = "; the control plane refused this gateway: renew its certificate or check its instance id"
    end
    return nil, "control plane answered HTTP " .. tostring(status) .. ": " .. msg .. hint
  end
  if type(doc) ~= "table" or type(doc.status) ~= "table" then
    return nil, "control plane answered HTTP 200 without a JSON envelope"
  end
  if doc.status.code ~= 0 then
    return nil, "control plane refused the heartbeat (code " .. tostring(doc.status.code) .. "): "
      .. tostring(envelope_error(doc))
  end
  local payload = type(doc.payload) == "table" and doc.payload or {}
  local result = { max_metrics_size = tonumber(payload.max_metrics_size) }
  if result.max_metrics_size and result.max_metrics_size <= 0 then
    result.max_metrics_size = nil
  end
  -- config.payload is a config.yaml fragment; the agent only records its version and never runs
  -- anything from it (PROTOCOL §2.1).
  if type(payload.config) == "table" then
    result.config_version = tonumber(payload.config.version)
  end
  return result
end

return _M
