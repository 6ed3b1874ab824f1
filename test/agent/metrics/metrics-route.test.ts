import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { escapeLabelValue, renderExposition } from "../../../agent/metrics/exposition.ts";
import { stateLabel } from "../../../agent/metrics/store-families.ts";
import { type PromFamily, parsePromText } from "../../support/prom-text.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { agentApp, TOKEN } from "../agent-app-fixture.ts";

const tempDir = useTempDirs();
/** Units or a unit-free kind at the end of every name, node_exporter style. */
const UNIT_SUFFIX = /_(bytes|seconds|celsius|percent|watts|hertz|ratio|total|info|up|batches|samples|fds|state|health|load1|load5|load15)$/;

async function scrape(a: Awaited<ReturnType<typeof agentApp>>): Promise<Map<string, PromFamily>> {
  const res = await a.get("/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
  return parsePromText(await res.text());
}

describe("/metrics", () => {
  it("is valid Prometheus text with HELP and TYPE for every family and units in the names", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const families = await scrape(a);
    expect(families.size).toBeGreaterThan(20);
    for (const f of families.values()) {
      expect(f.help, f.name).toBeTruthy();
      expect(["gauge", "counter", "histogram"], f.name).toContain(f.type);
      expect(f.name, "unit or kind suffix").toMatch(UNIT_SUFFIX);
      if (f.type === "counter") expect(f.name).toMatch(/_total$/);
    }
    a.store.close();
  });

  it("shows the latest samples with their labels and the catalog's HELP/TYPE", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const f = await scrape(a);
    const temp = f.get("vigil_gpu_temperature_celsius");
    expect(temp?.type).toBe("gauge");
    expect(temp?.samples).toEqual([
      {
        name: "vigil_gpu_temperature_celsius",
        labels: { gpu: "0", uuid: "GPU-3a1e7c52-9f0b-4d55-8c1e-0f2b6d7a9e41", name: "NVIDIA GeForce RTX 4090" },
        value: 64,
      },
    ]);
    expect(f.get("vigil_gpu_memory_used_bytes")?.samples[0]?.value).toBe(20_401_094_656);
    expect(f.get("vigil_collector_up")?.samples).toMatchObject([{ labels: { collector: "fake" }, value: 1 }]);
    expect(f.get("vigil_collector_errors_total")).toMatchObject({
      type: "counter",
      samples: [{ labels: { collector: "fake" }, value: 0 }],
    });
    expect(f.get("vigil_collector_duration_seconds")?.samples[0]?.value).toBeGreaterThanOrEqual(0);
    a.store.close();
  });

  it('shows states one-hot: name{labels,state="X"} 1', async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const f = await scrape(a);
    expect(f.get("vigil_zfs_pool_health")).toMatchObject({
      type: "gauge",
      samples: [{ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast", state: "DEGRADED" }, value: 1 }],
    });
    a.store.close();
  });

  it("never overwrites a label called state, and escapes label values", async () => {
    const now = Date.now();
    const a = await agentApp(tempDir(), {
      observations: () => ({
        samples: [{ name: "vigil_container_healthy", labels: { name: 'say "hi"\\ \nnow' }, timestamp: now, value: 1 }],
        states: [{ name: "vigil_unit_state", labels: { unit: "ollama.service", state: "active" }, timestamp: now, state: "running" }],
      }),
    });
    const f = await scrape(a);
    expect(f.get("vigil_unit_state")?.samples[0]?.labels).toEqual({ unit: "ollama.service", state: "active", vigil_state: "running" });
    expect(f.get("vigil_container_healthy")?.samples[0]?.labels.name).toBe('say "hi"\\ \nnow');
    expect(stateLabel({ state: "a", vigil_state: "b" })).toBe("vigil_state_");
    a.store.close();
  });

  it("shows the outbox, push counters and dropped batches", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    a.sealer.seal();
    a.store.meta.addToCounter("outbox_dropped_batches", 7);
    a.store.meta.addToCounter("outbox_dropped_samples", 350);
    const f = await scrape(a);
    const value = (name: string) => f.get(name)?.samples[0]?.value;
    expect(value("vigil_outbox_batches")).toBe(1);
    expect(value("vigil_outbox_bytes")).toBe(a.store.outbox.stats().bytes);
    expect(value("vigil_outbox_max_bytes")).toBe(100_000_000);
    expect(value("vigil_outbox_dropped_batches_total")).toBe(7);
    expect(value("vigil_outbox_dropped_samples_total")).toBe(350);
    expect(value("vigil_outbox_rejected_batches_total")).toBe(0);
    expect(value("vigil_push_batches_total")).toBe(0);
    expect(value("vigil_outbox_oldest_age_seconds")).toBeGreaterThanOrEqual(0);
    // Never pushed yet: no age at all rather than a made-up 0 (the family is declared, with no sample).
    expect(f.get("vigil_push_last_success_age_seconds")).toMatchObject({ type: "gauge", samples: [] });
    expect(f.get("vigil_push_hub_up")).toMatchObject({ type: "gauge", samples: [] });
    expect(f.get("vigil_agent_info")?.samples[0]?.labels).toEqual({ agent_id: "gpu-box", version: "0.1.0", mode: "push" });
    a.store.close();
  });

  it("shows the process metrics under prom-client's names", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const f = await scrape(a);
    for (const name of [
      "process_cpu_seconds_total",
      "process_cpu_user_seconds_total",
      "process_resident_memory_bytes",
      "process_start_time_seconds",
      "process_open_fds",
      "nodejs_heap_size_used_bytes",
    ]) {
      expect(f.get(name)?.samples[0]?.value, name).toBeGreaterThan(0);
    }
    expect(f.get("process_resident_memory_bytes")?.samples[0]?.value).toBeGreaterThan(20 * 1024 * 1024);
    a.store.close();
  });

  it("leaves out series that stopped reporting", async () => {
    let now = 1_790_000_000_000;
    const a = await agentApp(tempDir(), { token: TOKEN, now: () => now, staleAfterMs: 60_000 });
    now += 120_000;
    const f = await scrape(a);
    expect(f.has("vigil_gpu_temperature_celsius")).toBe(false);
    expect(f.has("vigil_zfs_pool_health")).toBe(false);
    expect(f.has("process_resident_memory_bytes")).toBe(true);
    a.store.close();
  });

  it("is gzip-compressed for a scraper that accepts it", async () => {
    const a = await agentApp(tempDir(), { token: TOKEN });
    const res = await a.get("/metrics", { "accept-encoding": "gzip" });
    expect(res.headers.get("content-encoding")).toBe("gzip");
    const families = parsePromText(gunzipSync(Buffer.from(await res.arrayBuffer())).toString("utf8"));
    expect(families.has("vigil_gpu_temperature_celsius")).toBe(true);
    a.store.close();
  });
});

describe("the exposition writer", () => {
  it("writes HELP/TYPE once per family, leaves out empty families, and spells special values the Prometheus way", () => {
    const text = renderExposition([
      {
        name: "a_bytes",
        help: "line\nbreak \\ here",
        type: "gauge",
        series: [
          { labels: { x: "1" }, value: Number.POSITIVE_INFINITY },
          { labels: { x: "2" }, value: Number.NaN },
        ],
      },
      { name: "b_total", help: "none", type: "counter", series: [] },
      { name: "a_bytes", help: "again", type: "gauge", series: [{ labels: {}, value: 1 }] },
    ]);
    expect(text).toBe('# HELP a_bytes line\\nbreak \\\\ here\n# TYPE a_bytes gauge\na_bytes{x="1"} +Inf\na_bytes{x="2"} NaN\n');
    expect(parsePromText(text).get("a_bytes")?.help).toBe("line\nbreak \\ here");
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
