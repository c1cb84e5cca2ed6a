-- Prometheus text handling for PROTOCOL §2.2 and the heartbeat: keep the four families the control
-- plane wants, split them into chunks, and read the two gauges that tell how the config centre is doing.
-- Pure.
local concat, tonumber, pairs = table.concat, tonumber, pairs

local _M = {}

_M.PATH = "/api/v1/dp/metrics"

_M.FAMILIES = {
  apisix_http_status = true,
  apisix_http_latency = true,
  apisix_bandwidth = true,
  apisix_nginx_http_current_connections = true,
}

local SUFFIXES = { "_bucket", "_sum", "_count", "_total", "_created" }

-- The family a sample or comment line belongs to, or nil.
local function family_of(name, families)
  if families[name] then
    return name
  end
  for _, suffix in pairs(SUFFIXES) do
    if name:sub(-#suffix) == suffix then
      local base = name:sub(1, -#suffix - 1)
      if families[base] then
        return base
      end
    end
  end
  return nil
end

--- The lines of `text` that belong to the wanted families (HELP and TYPE lines included).
function _M.filter(text, families)
  families = families or _M.FAMILIES
  local out = {}
  for line in text:gmatch("[^\n]+") do
    local name
    if line:sub(1, 1) == "#" then
      name = line:match("^#%s+[A-Z]+%s+([%w_:]+)")
    else
      name = line:match("^([%w_:]+)")
    end
    if name and family_of(name, families) then
      out[#out + 1] = line
    end
  end
  return out
end

--- Groups lines into chunks of at most `max_size` bytes each (newline included). A single line
-- longer than that cannot be sent and is reported in `dropped`.
function _M.chunk(lines, max_size)
  local chunks, current, size, dropped = {}, {}, 0, 0
  for _, line in ipairs(lines) do
    local n = #line + 1
    if n > max_size then
      dropped = dropped + 1
    else
      if size + n > max_size then
        chunks[#chunks + 1] = concat(current, "\n") .. "\n"
        current, size = {}, 0
      end
      current[#current + 1] = line
      size = size + n
    end
  end
  if #current > 0 then
    chunks[#chunks + 1] = concat(current, "\n") .. "\n"
  end
  return chunks, dropped
end

--- The value of the first sample of `name` whose labels contain `label_match` (plain text), or nil.
function _M.sample_value(text, name, label_match)
  for line in text:gmatch("[^\n]+") do
    if line:sub(1, #name) == name then
      local rest = line:sub(#name + 1)
      local labels, value = rest:match("^(%b{})%s+(%S+)")
      if not labels then
        value = rest:match("^%s+(%S+)")
        labels = ""
      end
      if value and (not label_match or labels:find(label_match, 1, true)) then
        return tonumber(value)
      end
    end
  end
  return nil
end

--- What the gateway knows about its config centre: {etcd_reachable, applied_revision}.
function _M.config_centre_view(text)
  local reachable = _M.sample_value(text, "apisix_etcd_reachable")
  local revision = _M.sample_value(text, "apisix_etcd_modify_indexes", 'key="max_modify_index"')
  -- A missing sample is unknown (nil), not false.
  local view = { applied_revision = revision }
  if reachable ~= nil then
    view.etcd_reachable = reachable == 1
  end
  return view
end

return _M
