-- The agent's own version, reported as `agent_version` in the heartbeat.
return { AGENT_VERSION = "0.1.0" }
