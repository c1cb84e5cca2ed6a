-- The agent's loops: the heartbeat (first at start, then every 10 s, retried after a short backoff) and
-- the metrics upload (every 15 s). They run in one process per gateway (see hook.lua), never throw, and
-- leave every error in the status file.
local cjson = require("cjson.safe")
local config = require("gateway_tray_agent.config")
local http = require("gateway_tray_agent.http")
local control_plane = require("gateway_tray_agent.control_plane")
local failover = require("gateway_tray_agent.failover")
local identity = require("gateway_tray_agent.identity")
local heartbeat = require("gateway_tray_agent.heartbeat")
local metrics = require("gateway_tray_agent.metrics")
local backoff = require("gateway_tray_agent.backoff")
local status_file = require("gateway_tray_agent.status_file")
local version = require("gateway_tray_agent.version")

local tostring, xpcall, traceback = tostring, xpcall, debug.traceback

local _M = {}

_M.DICT = "gateway-tray-agent"
local API_CALLS = "api_calls"

local state = {
  consecutive_failures = 0,
  heartbeat_interval_s = config.HEARTBEAT_INTERVAL,
}
local settings
-- The data-plane addresses and the one in use (failover.lua), shared by the heartbeat and metrics.
local addresses
local max_metrics_size = config.DEFAULT_MAX_METRICS_SIZE
local config_version = 0
-- Unknown (nil) until APISIX's Prometheus has told it; a revision once applied stays applied.
local applied_revision

local function now()
  ngx.update_time()
  return ngx.now()
end

local function write_status()
  if not settings and not state.status_path then
    return
  end
  local ok, err = status_file.write(state.status_path, state, "." .. ngx.worker.pid())
  if not ok then
    ngx.log(ngx.ERR, "gateway-tray agent: ", err)
  end
end

local function record_error(err)
  state.last_error = tostring(err)
end

local function post(path, body, timeouts)
  return failover.send(addresses, function(cp)
    return control_plane.post(cp, state, path, body, timeouts)
  end)
end

local function scrape()
  local src = settings.metrics_source
  local res, err = http.request(src, { method = "GET", path = src.path }, { connect = 1000, send = 2000, read = 3000 })
  if not res then
    return nil, "cannot scrape " .. src.host .. ":" .. src.port .. src.path .. ": " .. tostring(err)
  end
  if res.status ~= 200 then
    return nil, "scraping " .. src.path .. " answered HTTP " .. res.status
  end
  return res.body
end

local function ensure_settings()
  if settings then
    return true
  end
  local s, err = config.load()
  if not s then
    return nil, err
  end
  local id, ierr = config.instance_id()
  if not id then
    return nil, ierr
  end
  settings = s
  addresses = failover.new(s.control_planes or { s.control_plane })
  state.instance_id = id
  state.status_path = s.status_file
  return true
end

local function heartbeat_once()
  local ok, err = ensure_settings()
  if not ok then
    return nil, err
  end
  local dict = ngx.shared[_M.DICT]
  local calls = dict and dict:get(API_CALLS) or 0
  -- Unknown when the scrape fails: then the heartbeat leaves etcd_reachable out.
  local text = scrape()
  local view = text and metrics.config_centre_view(text) or {}
  if view.applied_revision then
    applied_revision = view.applied_revision
  end
  local hostname, ip = identity.host()
  local body = heartbeat.payload({
    id = state.instance_id,
    hostname = hostname,
    ip = ip,
    domain = settings.domain,
    version = config.apisix_version(),
    api_calls = calls,
    etcd_reachable = view.etcd_reachable,
    config_version = config_version,
    ports = settings.ports,
    applied_revision = applied_revision,
    agent_version = version.AGENT_VERSION,
  })
  local res, rerr = post(heartbeat.PATH, body, { connect = 1000, send = 3000, read = 3000 })
  if not res then
    return nil, rerr
  end
  local answer, aerr = heartbeat.parse_response(res.status, res.body)
  if not answer then
    return nil, aerr
  end
  if dict and calls > 0 then
    dict:incr(API_CALLS, -calls, 0)
  end
  max_metrics_size = answer.max_metrics_size or config.DEFAULT_MAX_METRICS_SIZE
  config_version = answer.config_version or config_version
  return true
end

local heartbeat_tick

local function schedule(delay, fn)
  local ok, err = ngx.timer.at(delay, fn)
  if not ok and err ~= "process exiting" then
    record_error("cannot schedule the next timer: " .. tostring(err))
    ngx.log(ngx.ERR, "gateway-tray agent: cannot schedule a timer: ", err)
  end
end

heartbeat_tick = function(premature)
  if premature then
    return
  end
  local started = now()
  state.last_attempt_at = started
  local ran, ok, err = xpcall(heartbeat_once, traceback)
  if not ran then
    ok, err = nil, "agent error: " .. tostring(ok)
  end
  local delay
  local first_success = false
  if ok then
    local t = now()
    if state.consecutive_failures > 0 then
      ngx.log(ngx.NOTICE, "gateway-tray agent: heartbeat succeeds again after ", state.consecutive_failures, " failures")
    end
    first_success = state.registered_at == nil
    state.registered_at = state.registered_at or t
    state.last_success_at = t
    state.consecutive_failures = 0
    state.last_error = nil
    delay = backoff.next_regular(state.heartbeat_interval_s, t - started)
  else
    state.consecutive_failures = state.consecutive_failures + 1
    record_error(err)
    if state.consecutive_failures == 1 then
      ngx.log(ngx.WARN, "gateway-tray agent: heartbeat failed: ", err)
    end
    delay = backoff.retry_delay(state.consecutive_failures)
  end
  pcall(write_status)
  -- After the file, so an app that learns the registration from this line finds the file written too.
  if first_success then
    local called, printed, perr = pcall(status_file.announce, state)
    if not (called and printed) then
      ngx.log(ngx.ERR, "gateway-tray agent: ", called and perr or printed)
    end
  end
  schedule(delay, heartbeat_tick)
end

local function metrics_once()
  if not settings then
    return true
  end
  local text, err = scrape()
  if not text then
    return nil, err
  end
  local chunks, dropped = metrics.chunk(metrics.filter(text), max_metrics_size)
  for i, chunk in ipairs(chunks) do
    local body = cjson.encode({ id = state.instance_id, domain = settings.domain, metrics = chunk })
    local res, perr = post(metrics.PATH, body, { connect = 1000, send = 5000, read = 5000 })
    if not res then
      return nil, perr
    end
    if res.status ~= 200 then
      return nil, "control plane answered HTTP " .. res.status .. " to metrics chunk " .. i .. " of " .. #chunks
    end
  end
  if dropped > 0 then
    return nil, dropped .. " metric lines were longer than max_metrics_size and were not sent"
  end
  return true
end

local function metrics_tick(premature)
  if premature then
    return
  end
  local started = now()
  local ran, ok, err = xpcall(metrics_once, traceback)
  if not ran then
    ok, err = nil, "agent error: " .. tostring(ok)
  end
  if not ok then
    record_error("metrics: " .. tostring(err))
    pcall(write_status)
  end
  schedule(backoff.next_regular(settings and settings.metrics_interval or config.METRICS_INTERVAL, now() - started),
    metrics_tick)
end

--- Counts one API call (log phase, any worker).
function _M.count_request()
  local dict = ngx.shared[_M.DICT]
  if dict then
    dict:incr(API_CALLS, 1, 0)
  end
end

--- Starts the loops. Called once per gateway, in init_worker.
function _M.start()
  state.run_id = identity.new_run_id()
  state.status_path = (ngx.config.prefix():gsub("/?$", "/")) .. "logs/agent-status.json"
  local where = require("ngx.process").type()
  ngx.log(ngx.NOTICE, "gateway-tray agent: started in the ", where == "worker" and ("worker " .. tostring(ngx.worker.id())) or where,
    " process")
  if not ngx.shared[_M.DICT] then
    ngx.log(ngx.ERR, "gateway-tray agent: no lua_shared_dict '", _M.DICT,
      "': add it under nginx_config.http.custom_lua_shared_dict; api_calls will stay 0")
  end
  schedule(0, heartbeat_tick)
  schedule(config.METRICS_INTERVAL, metrics_tick)
end

return _M
