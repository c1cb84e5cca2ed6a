-- Loaded by APISIX through `apisix.lua_module_hook` (in init_by_lua, before APISIX's own
-- `apisix = require("apisix")`), as APISIX's example/my_hook.lua does. It wraps two functions of the
-- `apisix` module and changes nothing else: init_by_lua, init_worker_by_lua and log_by_lua call them
-- through the global `apisix` table, so the wrappers are what runs.
local apisix = require("apisix")
local process = require("ngx.process")
local agent = require("gateway_tray_agent.agent")

local select, unpack, pcall = select, unpack, pcall

-- APISIX enables the privileged agent in http_init; enabling it here too is harmless (it only sets a
-- flag) and tells us, before the workers fork, whether it will exist. In a plain nginx-Lua runtime
-- without one, worker 0 runs the agent instead.
local privileged_agent = false
do
  local ok, res = pcall(process.enable_privileged_agent)
  privileged_agent = ok and res == true
end

local function runs_agent()
  local t = process.type()
  if t == "privileged agent" or t == "single" then
    return true
  end
  return t == "worker" and not privileged_agent and ngx.worker.id() == 0
end

local function pack(...)
  return { n = select("#", ...), ... }
end

local old_init_worker = apisix.http_init_worker
apisix.http_init_worker = function(...)
  local res = pack(old_init_worker(...))
  if runs_agent() then
    local ok, err = pcall(agent.start)
    if not ok then
      ngx.log(ngx.ERR, "gateway-tray agent: failed to start: ", err)
    end
  end
  return unpack(res, 1, res.n)
end

-- Before APISIX's own log phase, which hands api_ctx back to its table pool. An API call is a request
-- that matched a route (PROTOCOL §6): what APISIX's Prometheus counts under a route once the control
-- plane's global rule enables the plugin everywhere, so both counts agree.
local old_log_phase = apisix.http_log_phase
apisix.http_log_phase = function(...)
  local api_ctx = ngx.ctx.api_ctx
  if api_ctx and api_ctx.matched_route then
    pcall(agent.count_request)
  end
  return old_log_phase(...)
end

return {
  version = require("gateway_tray_agent.version").AGENT_VERSION,
}
