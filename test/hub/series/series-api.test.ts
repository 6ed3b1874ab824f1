import { describe, expect, it } from "vitest";
import { createHubApp } from "../../../hub/app.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import type { SeriesAnswer } from "../../../hub/query/series-routes.ts";
import type { HubStore } from "../../../hub/store/hub-store.ts";
import { silentLogger } from "../../../shared/log/logger.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { HOUR, MIN, makeBatch, openStore, T0 } from "../store/helpers.ts";

const tempDir = useTempDirs();
/** 3 hours and 30 seconds after T0: the rollups have done hours T0..T0+2h and minutes up to T0+3h-1m. */
const NOW = T0 + 3 * HOUR + 30_000;

interface Raw {
  host: string;
  name: string;
  labels: Record<string, string>;
  t: number;
  value: number;
}

const SERIES: Array<{ host: string; name: string; labels: Record<string, string>; base: number }> = [
  { host: "gpu-1", name: "vigil_gpu_temperature_celsius", labels: { gpu: "0" }, base: 50 },
  { host: "gpu-1", name: "vigil_gpu_temperature_celsius", labels: { gpu: "1" }, base: 60 },
  { host: "nas", name: "vigil_zfs_pool_capacity_percent", labels: { pool: "tank" }, base: 80 },
  { host: "nas", name: "vigil_zfs_pool_capacity_percent", labels: { pool: "nvme-fast" }, base: 20 },
];

/** Every 10 s from T0 to NOW, each host one batch per push, received when taken; rollups run at NOW. */
function setup(): { store: HubStore; raw: Raw[]; get: (query: string) => Promise<Response> } {
  const store = openStore(tempDir());
  const raw: Raw[] = [];
  let seq = 0;
  for (let t = T0; t <= NOW; t += 10_000) {
    seq++;
    for (const host of ["gpu-1", "nas"]) {
      const mine = SERIES.filter((s) => s.host === host).map((s) => ({ ...s, t, value: s.base + ((t / 10_000) % 13) / 4 }));
      raw.push(...mine);
      store.ingest(makeBatch({ agentId: host, sequence: seq, samples: mine }), t);
    }
  }
  store.maintenance(silentLogger).runUntilIdle(NOW);
  const { config } = loadHubConfig({ configFile: undefined, env: {} });
  const app = createHubApp({ store, config, logger: silentLogger, version: "test", now: () => NOW });
  return { store, raw, get: (query) => Promise.resolve(app.request(`/api/v1/series?${query}`)) };
}

/** The expected points of one series, computed from the raw samples. */
function buckets(raw: Raw[], pick: (r: Raw) => boolean, step: number, from: number, to: number) {
  const out = new Map<number, { t: number; min: number; max: number; sum: number; count: number; last: number }>();
  for (const r of raw.filter((x) => pick(x) && x.t >= from && x.t < to)) {
    const t = Math.floor(r.t / step) * step;
    const b = out.get(t);
    if (!b) out.set(t, { t, min: r.value, max: r.value, sum: r.value, count: 1, last: r.value });
    else
      Object.assign(b, {
        min: Math.min(b.min, r.value),
        max: Math.max(b.max, r.value),
        sum: b.sum + r.value,
        count: b.count + 1,
        last: r.value,
      });
  }
  return [...out.values()].map((b) => ({ t: b.t, min: b.min, max: b.max, avg: b.sum / b.count, last: b.last, count: b.count }));
}

const gpu0 = (r: Raw) => r.host === "gpu-1" && r.labels.gpu === "0";
const q = (o: Record<string, string | number>) =>
  new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, String(v)])).toString();

describe("GET /api/v1/series", () => {
  it("answers raw samples for a short step, bucketed exactly", async () => {
    const { get, raw } = setup();
    const res = await get(
      q({ name: "vigil_gpu_temperature_celsius", host: "gpu-1", labels: '{"gpu":"0"}', from: NOW - 60_000, to: NOW, step: "10s" }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as SeriesAnswer;
    expect(body).toMatchObject({ resolution: "raw", step: 10_000, from: NOW - 60_000, to: NOW });
    expect(body.series).toHaveLength(1);
    expect(body.series[0]).toMatchObject({ host: "gpu-1", name: "vigil_gpu_temperature_celsius", labels: { gpu: "0" } });
    expect(body.series[0]?.points).toEqual(buckets(raw, gpu0, 10_000, NOW - 60_000, NOW));
    expect(body.series[0]?.points).toHaveLength(6);
  });

  it("answers 1-minute rollups for a minute step, the minutes not rolled up yet read from raw", async () => {
    const { get, raw, store } = setup();
    expect(store.rolledUpUntil().rollup1m).toBe(T0 + 3 * HOUR - MIN);
    const from = NOW - 10 * MIN;
    const res = await get(q({ name: "vigil_gpu_temperature_celsius", host: "gpu-1", labels: '{"gpu":"0"}', from, to: NOW, step: "1m" }));
    const body = (await res.json()) as SeriesAnswer;
    expect(body).toMatchObject({ resolution: "1m", step: MIN, from: Math.floor(from / MIN) * MIN, to: Math.ceil(NOW / MIN) * MIN });
    const want = buckets(raw, gpu0, MIN, body.from, body.to);
    expect(want).toHaveLength(11);
    expect(body.series[0]?.points.map((p) => ({ ...p, avg: round(p.avg) }))).toEqual(want.map((p) => ({ ...p, avg: round(p.avg) })));
  });

  it("answers 1-hour rollups for an hour step, the current hour from minutes and raw", async () => {
    const { get, raw } = setup();
    const res = await get(q({ name: "vigil_zfs_pool_capacity_percent", labels: '{"pool":"tank"}', from: T0, to: NOW, step: "1h" }));
    const body = (await res.json()) as SeriesAnswer;
    expect(body).toMatchObject({ resolution: "1h", step: HOUR, from: T0, to: T0 + 4 * HOUR });
    const want = buckets(raw, (r) => r.labels.pool === "tank", HOUR, T0, T0 + 4 * HOUR);
    expect(want.map((p) => p.count)).toEqual([360, 360, 360, 4]);
    expect(body.series[0]?.points.map((p) => ({ ...p, avg: round(p.avg) }))).toEqual(want.map((p) => ({ ...p, avg: round(p.avg) })));
  });

  it("selects series by name across hosts, by host, and by labels", async () => {
    const { get } = setup();
    const names = async (query: Record<string, string | number>) =>
      ((await (await get(q({ from: NOW - MIN, to: NOW, ...query }))).json()) as SeriesAnswer).series.map(
        (s) => `${s.host}${JSON.stringify(s.labels)}`,
      );
    expect(await names({ name: "vigil_zfs_pool_capacity_percent" })).toEqual(['nas{"pool":"nvme-fast"}', 'nas{"pool":"tank"}']);
    expect(await names({ name: "vigil_gpu_temperature_celsius", host: "nas" })).toEqual([]);
    expect(await names({ name: "vigil_gpu_temperature_celsius", labels: '{"gpu":"1"}' })).toEqual(['gpu-1{"gpu":"1"}']);
    expect(await names({ name: "vigil_no_such_series" })).toEqual([]);
  });

  it("refuses a query with too many points or too many series, naming the parameter", async () => {
    const { get, store } = setup();
    const tooFine = await get(q({ name: "vigil_gpu_temperature_celsius", from: NOW - 4 * HOUR, to: NOW, step: "1s" }));
    expect(tooFine.status).toBe(400);
    expect(((await tooFine.json()) as { error: { code: string; field: string } }).error).toMatchObject({
      code: "SERIES_QUERY",
      field: "step",
    });

    const many = Array.from({ length: 201 }, (_, i) => ({ name: "vigil_cpu_usage_percent", labels: { cpu: String(i) }, t: NOW, value: i }));
    store.ingest(makeBatch({ agentId: "big", sequence: 1, samples: many }), NOW);
    const tooMany = await get(q({ name: "vigil_cpu_usage_percent" }));
    expect(tooMany.status).toBe(400);
    expect(((await tooMany.json()) as { error: { field: string } }).error.field).toBe("labels");
    const narrowed = await get(q({ name: "vigil_cpu_usage_percent", labels: '{"cpu":"200"}', from: NOW - MIN, to: NOW + 1 }));
    expect(((await narrowed.json()) as SeriesAnswer).series[0]?.points).toEqual([
      { t: NOW, min: 200, max: 200, avg: 200, last: 200, count: 1 },
    ]);
  });
});

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}
