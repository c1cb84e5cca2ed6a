local backoff = require("gateway_tray_agent.backoff")

describe("backoff", function()
  it("retries no more often than once a second and no later than 1.5 s", function()
    local previous = 0
    for failures = 1, 50 do
      local d = backoff.retry_delay(failures)
      assert.is_true(d >= 1 and d <= 1.5, "delay " .. d .. " after " .. failures .. " failures")
      assert.is_true(d >= previous, "delays do not shrink")
      previous = d
    end
    assert.equal(1, backoff.retry_delay(1))
    assert.is_true(backoff.retry_delay(2) > 1)
    assert.equal(1.5, backoff.retry_delay(50))
  end)

  it("keeps the regular period anchored to the start of a beat", function()
    assert.equal(10, backoff.next_regular(10, 0))
    assert.near(9.7, backoff.next_regular(10, 0.3), 1e-9)
    assert.equal(0, backoff.next_regular(10, 12))
    assert.equal(10, backoff.next_regular(10, -1))
  end)
end)
