-- wrk report as one JSON line (bench/lib.py reads it): the percentiles wrk's --latency lacks.
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    '{"requests":%d,"duration_us":%d,"p50":%d,"p95":%d,"p99":%d,"errors":%d,"bad":%d}\n',
    summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(95), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
