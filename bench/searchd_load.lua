-- searchd_load.lua - the request mix of bench/searchd_load.sh for wrk.
--
-- Each connection walks a list of requests (searches of every kind, report
-- and stats listings, health checks and about 12% bad requests) from a
-- random starting point, half of them asking for gzip.  done() prints
-- requests per second, latency percentiles and the answers by status.

local paths = {
  -- searches: phrases, boolean, filters, sorting, paging
  "/v1/search?q=%E9%AB%98%E8%B4%A8%E9%87%8F%E5%8F%91%E5%B1%95",                 -- 高质量发展
  "/v1/search?q=%E5%8F%91%E5%B1%95",                                             -- 发展
  "/v1/search?q=%E7%BB%8F%E6%B5%8E&limit=20",                                    -- 经济
  "/v1/search?q=%E6%94%B9%E9%9D%A9%E5%BC%80%E6%94%BE&sort=-year",                -- 改革开放
  "/v1/search?q=%E6%96%B0%E8%B4%A8%E7%94%9F%E4%BA%A7%E5%8A%9B",                 -- 新质生产力
  "/v1/search?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4&offset=10",                -- 乡村振兴
  "/v1/search?q=%E7%A8%B3%E4%B8%AD%E6%B1%82%E8%BF%9B+OR+%E7%A8%B3%E4%B8%AD%E6%9C%89%E8%BF%9B", -- 稳中求进 OR 稳中有进
  "/v1/search?q=%E5%8F%91%E5%B1%95+-%E7%BB%8F%E6%B5%8E",                         -- 发展 -经济
  "/v1/search?q=year%3A2018..2023+%E5%88%9B%E6%96%B0",                           -- year:2018..2023 创新
  "/v1/search?q=region%3A%E5%B9%BF%E4%B8%9C%E7%9C%81+%E5%88%B6%E9%80%A0%E4%B8%9A", -- region:广东省 制造业
  "/v1/search?q=%E4%B8%80%E5%B8%A6%E4%B8%80%E8%B7%AF&sort=year",                 -- 一带一路
  "/v1/search?q=%E5%85%B1%E5%90%8C%E5%AF%8C%E8%A3%95&limit=50",                 -- 共同富裕
  "/v1/search?q=%E7%A2%B3%E8%BE%BE%E5%B3%B0+%E7%A2%B3%E4%B8%AD%E5%92%8C",       -- 碳达峰 碳中和
  "/v1/search?q=GDP&limit=5",
  "/v1/search?q=%E4%BA%BA%E6%B0%91&limit=10&offset=100",                         -- 人民
  "/v1/search?q=%E6%8B%9B%E5%95%86%E5%BC%95%E8%B5%84",                           -- 招商引资
  "/v1/search?q=%E7%96%AB%E6%83%85+year%3A2020..",                               -- 疫情 year:2020..
  "/v1/search?q=%28%E6%94%B9%E9%9D%A9+OR+%E5%BC%80%E6%94%BE%29+%E5%88%9B%E6%96%B0", -- (改革 OR 开放) 创新
  "/v1/search?q=%E4%B8%8D%E5%AD%98%E5%9C%A8%E7%9A%84%E7%9F%AD%E8%AF%AD",         -- 不存在的短语
  "/v1/search?q=%E6%94%BF%E5%BA%9C%E5%B7%A5%E4%BD%9C%E6%8A%A5%E5%91%8A&all=1",   -- 政府工作报告, all
  "/v1/search?q=%E7%A7%91%E6%8A%80%E5%88%9B%E6%96%B0&limit=100",                 -- 科技创新
  "/v1/search?q=%E5%B0%B1%E4%B8%9A&sort=-year&limit=3",                          -- 就业
  "/v1/search?q=%E6%95%99%E8%82%B2+%E5%8C%BB%E7%96%97",                          -- 教育 医疗
  "/v1/search?q=%E5%9B%BD%E6%9C%89%E4%BC%81%E4%B8%9A",                           -- 国有企业
  "/v1/reports",
  "/v1/stats",
  "/healthz",
  -- bad requests (4xx)
  "/v1/search?q=%FF",
  "/v1/search?q=a%00b",
  "/v1/search",
  "/v1/search?q=%E5%8F%91&limit=-1",
  "/v1/search?q=%22unclosed",
  "/nope",
}

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
  idx = math.random(#paths)
  n = 0
end

function request()
  idx = idx % #paths + 1
  n = n + 1
  local headers = {}
  if n % 2 == 0 then
    headers["Accept-Encoding"] = "gzip"
  end
  return wrk.format("GET", paths[idx], headers)
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, k in pairs(t:get("counts")) do
      total[status] = (total[status] or 0) + k
    end
  end
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests      %d in %.1f s: %.0f requests/s\n",
                         summary.requests, secs, summary.requests / secs))
  io.write(string.format("latency ms    p50 %.2f  p90 %.2f  p95 %.2f  p99 %.2f  p99.9 %.2f  max %.2f\n",
                         latency:percentile(50) / 1e3, latency:percentile(90) / 1e3,
                         latency:percentile(95) / 1e3, latency:percentile(99) / 1e3,
                         latency:percentile(99.9) / 1e3, latency.max / 1e3))
  local line = "statuses     "
  local statuses = {}
  for status in pairs(total) do table.insert(statuses, status) end
  table.sort(statuses)
  local bad5 = 0
  for _, s in ipairs(statuses) do
    line = line .. string.format(" %d: %d", s, total[s])
    if s >= 500 then bad5 = bad5 + total[s] end
  end
  io.write(line .. "\n")
  io.write(string.format("errors        5xx %d, connect %d, read %d, write %d, timeout %d\n",
                         bad5, e.connect, e.read, e.write, e.timeout))
end
