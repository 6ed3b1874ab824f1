import { describe, expect, it } from "vitest";
import { FEDERATION_LOOKBACK_MS, renderFederation } from "../../../hub/metrics/federation.ts";
import { HubMetrics } from "../../../hub/metrics/hub-metrics.ts";
import { escapeLabelValue, formatValue } from "../../../hub/metrics/exposition.ts";
import { GPU_CATALOG } from "../../../shared/metrics/gpu.ts";
import { SERIES_BY_NAME, STATES_BY_NAME } from "../../../shared/metrics/index.ts";
import { ZFS_CATALOG } from "../../../shared/metrics/zfs.ts";
import { type PromFamily, parsePromText } from "../../support/prom-text.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { makeTestHub, T0 } from "../registry-helpers.ts";

const tempDir = useTempDirs();
const TS = 1_790_000_000_000;

function sample(f: PromFamily | undefined, labels: Record<string, string>) {
  return f?.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

describe("the strict text-format parser used by these tests", () => {
  it("accepts well-formed text with escapes, timestamps and a histogram", () => {
    const text = [
      "# HELP a_total Things; a \\\\ backslash and\\nnewline.",
      "# TYPE a_total counter",
      'a_total{path="C:\\\\x",q="say \\"hi\\"",n="1\\n2"} 3 1790000000000',
      "# TYPE h histogram",
      'h_bucket{le="0.1"} 1',
      'h_bucket{le="+Inf"} 2',
      "h_sum 0.3",
      "h_count 2",
      "",
    ].join("\n");
    const families = parsePromText(text);
    expect(families.get("a_total")).toEqual({
      name: "a_total",
      type: "counter",
      help: "Things; a \\ backslash and\nnewline.",
      samples: [{ name: "a_total", labels: { path: "C:\\x", q: 'say "hi"', n: "1\n2" }, value: 3, timestamp: 1_790_000_000_000 }],
    });
    expect(families.get("h")?.samples).toHaveLength(4);
  });

  it.each([
    ["a 1", "the text must end with a newline"],
    ["a 1\n# TYPE a gauge\n", "TYPE for a after its samples"],
    ["# TYPE a gauge\n# TYPE a gauge\n", "second TYPE for a"],
    ["a 1\nb 1\na 2\n", "family a continues after another family began"],
    ['a{x="1"} 1\na{x="1"} 2\n', 'duplicate series a{x="1"}'],
    ['a{x="\\t"} 1\n', "invalid escape \\t"],
    ['a{x="1",x="2"} 1\n', "label x twice"],
    ['a{__x="1"} 1\n', "reserved label name __x"],
    ["a one\n", 'invalid value "one"'],
    ["9a 1\n", "invalid metric name"],
    ["# TYPE a summer\n", 'unknown type "summer"'],
    ['# TYPE h histogram\nh_bucket{le="1"} 1\nh_count 1\n', 'has no le="+Inf" bucket'],
    ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\n', "buckets are not cumulative"],
  ])("refuses %j", (text, message) => {
    expect(() => parsePromText(text)).toThrow(message);
  });
});

describe("exposition helpers", () => {
  it("escape label values and write special floats as Prometheus reads them", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 0.25, 1e21, -3].map(formatValue)).toEqual([
      "NaN",
      "+Inf",
      "-Inf",
      "0.25",
      "1e+21",
      "-3",
    ]);
  });
});

describe("renderFederation", () => {
  const catalog = { series: SERIES_BY_NAME, states: STATES_BY_NAME };

  it("writes up hosts' fresh values with an agent label, catalog HELP/TYPE, states as 1, stale and down ones left out", () => {
    const temp = GPU_CATALOG.series.temperatureCelsius;
    const health = ZFS_CATALOG.states.poolHealth;
    const text = renderFederation(
      [
        {
          id: "gpu-1",
          status: "up",
          samples: [
            { name: temp.name, labels: { gpu: "0", uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" }, timestamp: TS, value: 64 },
            { name: temp.name, labels: { gpu: "1", uuid: "GPU-11aa", name: 'quote " and \\' }, timestamp: TS, value: 58 },
            // A GPU that disappeared six minutes before the newest values: left out.
            {
              name: temp.name,
              labels: { gpu: "2", uuid: "GPU-gone", name: "x" },
              timestamp: TS - FEDERATION_LOOKBACK_MS - 60_000,
              value: 40,
            },
            { name: "vigil_future_thing", labels: { agent: "inner" }, timestamp: TS, value: 7 },
          ],
          states: [{ name: health.name, labels: { pool: "nvme-fast" }, timestamp: TS, state: "DEGRADED" }],
        },
        {
          id: "old-box",
          status: "down",
          samples: [{ name: temp.name, labels: { gpu: "0", uuid: "GPU-old", name: "x" }, timestamp: TS, value: 99 }],
          states: [],
        },
      ],
      catalog,
      new Set(),
    );
    const families = parsePromText(text);
    expect([...families.keys()]).toEqual(["vigil_future_thing", temp.name, health.name]);
    const t = families.get(temp.name);
    expect(t).toMatchObject({ type: "gauge", help: temp.help });
    expect(t?.samples).toEqual([
      {
        name: temp.name,
        labels: { agent: "gpu-1", gpu: "0", name: "NVIDIA GeForce RTX 4090", uuid: "GPU-8f3c" },
        value: 64,
        timestamp: TS,
      },
      { name: temp.name, labels: { agent: "gpu-1", gpu: "1", name: 'quote " and \\', uuid: "GPU-11aa" }, value: 58, timestamp: TS },
    ]);
    expect(families.get("vigil_future_thing")).toMatchObject({
      type: "untyped",
      samples: [{ labels: { agent: "gpu-1", exported_agent: "inner" }, value: 7 }],
    });
    expect(families.get(health.name)).toMatchObject({
      type: "gauge",
      help: health.help,
      samples: [{ labels: { agent: "gpu-1", pool: "nvme-fast", state: "DEGRADED" }, value: 1, timestamp: TS }],
    });
    expect(text).not.toContain("old-box");
  });

  it("renames a sample's own agent (and a state's own state) label the Prometheus way", () => {
    const families = parsePromText(
      renderFederation(
        [
          {
            id: "gpu-1",
            status: "up",
            samples: [{ name: "vigil_x", labels: { agent: "inner", exported_agent: "outer", zone: "a" }, timestamp: TS, value: 1 }],
            states: [{ name: "vigil_y", labels: { state: "label", pool: "tank" }, timestamp: TS, state: "ONLINE" }],
          },
        ],
        catalog,
        new Set(),
      ),
    );
    expect(families.get("vigil_x")?.samples[0]?.labels).toEqual({
      agent: "gpu-1",
      exported_exported_agent: "inner",
      exported_agent: "outer",
      zone: "a",
    });
    expect(families.get("vigil_y")?.samples[0]?.labels).toEqual({ agent: "gpu-1", state: "ONLINE", exported_state: "label", pool: "tank" });
  });

  it("skips names the hub uses itself", () => {
    const text = renderFederation(
      [{ id: "a", status: "up", samples: [{ name: "vigil_hub_hosts", labels: {}, timestamp: TS, value: 5 }], states: [] }],
      catalog,
      new Set(["vigil_hub_hosts"]),
    );
    expect(text).toBe("");
  });
});

describe("GET /metrics", () => {
  it("is valid text with the hub's internals and the fleet's latest values", async () => {
    const hub = makeTestHub(tempDir());
    const temp = GPU_CATALOG.series.temperatureCelsius.name;
    await hub.push({
      agentId: "old-box",
      timestamp: TS - 60_000,
      samples: [{ name: temp, labels: { gpu: "0", uuid: "u0", name: "n" }, value: 71 }],
    });
    hub.clock.now = T0 + 60_000;
    const gpuSamples = [
      { name: temp, labels: { gpu: "0", uuid: "GPU-8f3c", name: "RTX 4090" }, value: 64 },
      { name: "vigil_load1", value: 0.5 },
    ];
    await hub.push({
      agentId: "gpu-1",
      sequence: 1,
      samples: gpuSamples,
      states: [{ name: "vigil_zfs_pool_health", labels: { pool: "tank" }, state: "ONLINE" }],
    });
    await hub.push({ agentId: "gpu-1", sequence: 1, samples: gpuSamples }); // duplicate
    await hub.push({ agentId: "gpu-1", sequence: 2, timestamp: TS + 10_000, samples: [{ name: "vigil_load1", value: 0.75 }] });
    await hub.request("/api/v1/ingest", { method: "POST", body: "{broken" });

    const res = await hub.request("/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePromText(await res.text());
    for (const f of families.values()) expect(f.help, f.name).toBeDefined();

    const value = (name: string, labels: Record<string, string> = {}) => sample(families.get(name), labels)?.value;
    expect(value("vigil_hub_ingest_batches_total", { source: "push", result: "stored" })).toBe(3);
    expect(value("vigil_hub_ingest_batches_total", { source: "push", result: "duplicate" })).toBe(1);
    expect(value("vigil_hub_ingest_samples_total", { source: "push" })).toBe(4);
    expect(value("vigil_hub_ingest_requests_total", { code: "200" })).toBe(4);
    expect(value("vigil_hub_ingest_requests_total", { code: "400" })).toBe(1);
    const latency = families.get("vigil_hub_ingest_batch_duration_seconds");
    expect(latency?.type).toBe("histogram");
    expect(sample(latency, { le: "+Inf" })?.value).toBe(5);
    expect(value("vigil_hub_hosts", { status: "up" })).toBe(1);
    expect(value("vigil_hub_hosts", { status: "down" })).toBe(1);
    expect(value("vigil_hub_host_up", { agent: "gpu-1" })).toBe(1);
    expect(value("vigil_hub_host_up", { agent: "old-box" })).toBe(0);
    expect(value("vigil_hub_host_last_seen_timestamp_seconds", { agent: "gpu-1" })).toBe((T0 + 60_000) / 1000);
    expect(value("vigil_hub_notification_queue_depth")).toBe(0);
    const pages = hub.store.db.pragma("page_count", { simple: true }) as number;
    expect(value("vigil_hub_db_size_bytes")).toBeGreaterThanOrEqual(pages * 4096);

    // Federation: the up host's newest values, with its id as `agent`; nothing of the down one.
    expect(families.get(temp)?.samples).toEqual([
      { name: temp, labels: { agent: "gpu-1", gpu: "0", name: "RTX 4090", uuid: "GPU-8f3c" }, value: 64, timestamp: TS },
    ]);
    expect(families.get("vigil_load1")?.samples).toEqual([
      { name: "vigil_load1", labels: { agent: "gpu-1" }, value: 0.75, timestamp: TS + 10_000 },
    ]);
    expect(sample(families.get("vigil_zfs_pool_health"), { agent: "gpu-1", pool: "tank", state: "ONLINE" })?.value).toBe(1);
  });

  it("counts pull scrapes and pulled batches, and shows each pulled agent's state", async () => {
    const hub = makeTestHub(tempDir());
    const metrics = new HubMetrics({
      db: hub.store.db,
      hosts: () => [],
      pullStates: () => [
        { id: "lab-1", up: true, lastSuccessAt: 1, lastError: null, lastDurationMs: 5, scraping: false },
        { id: "lab-2", up: false, lastSuccessAt: null, lastError: "timeout", lastDurationMs: 300, scraping: false },
      ],
      notificationQueueDepth: () => 7,
      processMetrics: false,
    });
    metrics.scraped("lab-1", { ok: true, kind: "ok", durationMs: 12 });
    metrics.scraped("lab-2", { ok: false, kind: "timeout", durationMs: 300 });
    metrics.stored("pull", { duplicate: false, storedSamples: 40 });
    const families = parsePromText(await metrics.registry.metrics());
    expect(families.get("vigil_hub_pull_scrapes_total")?.samples.map((s) => [s.labels.result, s.value])).toEqual([
      ["ok", 1],
      ["timeout", 1],
    ]);
    expect(sample(families.get("vigil_hub_pull_scrape_duration_seconds"), { le: "+Inf" })?.value).toBe(2);
    expect(families.get("vigil_hub_pull_up")?.samples.map((s) => [s.labels.agent, s.value])).toEqual([
      ["lab-1", 1],
      ["lab-2", 0],
    ]);
    expect(sample(families.get("vigil_hub_ingest_samples_total"), { source: "pull" })?.value).toBe(40);
    expect(families.get("vigil_hub_notification_queue_depth")?.samples[0]?.value).toBe(7);
  });

  it("includes the Node.js process metrics in the running hub", async () => {
    const hub = makeTestHub(tempDir());
    const metrics = new HubMetrics({ db: hub.store.db, hosts: () => [], processMetrics: true });
    const families = parsePromText(await metrics.registry.metrics());
    expect(families.get("process_resident_memory_bytes")?.samples[0]?.value).toBeGreaterThan(10_000_000);
    expect(families.has("nodejs_eventloop_lag_seconds")).toBe(true);
    expect(metrics.familyNames().has("vigil_hub_hosts")).toBe(true);
  });
});
