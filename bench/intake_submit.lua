-- bench/intake.py: public submissions (POST /api/v1/cases/), each with a body and an
-- Idempotency-Key of its own. Every thread logs "status tracking_code" per response to
-- $INTAKE_OUT.<thread id> (bench/intake.py stops wrk once they reach N); done() prints wrk's
-- figures as one JSON line (as wrk_report.lua does).
local kinds = {"consultation", "complaint_efficiency", "complaint_attitude",
               "integrity_report", "mailbox", "suggestion"}
local out_prefix = os.getenv("INTAKE_OUT")
local run_id = os.getenv("INTAKE_RUN")
local next_id = 0

setup = function(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end

local sent, log = 0, nil

init = function(args)
  log = io.open(out_prefix .. "." .. id, "w")
  log:setvbuf("line")
end

request = function()
  sent = sent + 1
  local index = id * 1000000 + sent
  local key = string.format("intake-%s-%d", run_id, index)
  local body = string.format(
    '{"kind":"%s","title":"负载测试第 %d 件","body":"负载下提交的第 %d 件事项（%s）。"%s}',
    kinds[sent % #kinds + 1], index, index, key,
    (sent % 3 == 0) and string.format(',"name":"测试人%d","phone":"1380000%04d"', index, sent % 10000) or "")
  return wrk.format("POST", "/api/v1/cases/", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
    ["Idempotency-Key"] = key,
  }, body)
end

response = function(status, headers, body)
  local code = string.match(body or "", '"tracking_code"%s*:%s*"([%w]+)"') or "-"
  log:write(string.format("%d %s\n", status, code))
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"errors":%d,"bad":%d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
