import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { alignSeries, HOST_CHARTS, seriesPath, type SeriesAnswer } from "../../hub/ui/model/charts.ts";
import { formatAge, formatBytes, formatDuration, formatPercent, formatRate, formatTime, MISSING } from "../../hub/ui/model/format.ts";
import { describeMatchers, silenceRequestFromForm } from "../../hub/ui/model/silence-form.ts";
import { toneOf } from "../../hub/ui/model/tone.ts";

const MODEL_DIR = join(import.meta.dirname, "..", "..", "hub", "ui", "model");

describe("formatting", () => {
  it("writes N/A for what is missing, never 0", () => {
    for (const f of [formatPercent, formatBytes, formatRate, formatDuration]) {
      expect(f(undefined)).toBe(MISSING);
      expect(f(null)).toBe(MISSING);
      expect(f(Number.NaN)).toBe(MISSING);
    }
    expect(formatAge(undefined, 0)).toBe(MISSING);
    expect(formatPercent(0)).toBe("0 %");
  });

  it("uses binary units as the tools print them, and at most two units of time", () => {
    expect(formatBytes(19818 * 1024 * 1024)).toBe("19.4 GiB");
    expect(formatBytes(81559 * 1024 * 1024)).toBe("79.6 GiB");
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(8933531975680)).toBe("8.13 TiB");
    expect(formatRate(1536)).toBe("1.50 KiB/s");
    expect(formatDuration(45_000)).toBe("45 s");
    expect(formatDuration(200_000)).toBe("3 min 20 s");
    expect(formatDuration(7_500_000)).toBe("2 h 5 min");
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000 + 59_000)).toBe("3 d 4 h");
    expect(formatAge(1000, 13_000)).toBe("12 s ago");
    expect(formatAge(20_000, 13_000)).toBe("just now");
    expect(formatTime(1_795_450_042_438, "utc")).toBe("2026-11-23 16:07:22");
  });

  it("colours states by what they mean", () => {
    expect(["ONLINE", "DEGRADED", "FAULTED", "active", "failed", "unhealthy", "stale", "whatever"].map(toneOf)).toEqual([
      "ok",
      "warn",
      "bad",
      "ok",
      "bad",
      "bad",
      "warn",
      "",
    ]);
    expect(toneOf(undefined)).toBe("");
  });
});

describe("chart data", () => {
  const T = 1_795_449_600_000;
  const every = (from: number, to: number, stepMs: number, value: (t: number) => number) => {
    const points = [];
    for (let t = from; t <= to; t += stepMs) points.push({ t, avg: value(t) });
    return points;
  };

  it("asks the series API for the host, the range and the chart's labels", () => {
    const cpu = HOST_CHARTS.find((c) => c.id === "cpu")?.queries[0];
    if (!cpu) throw new Error("no cpu chart");
    const path = seriesPath(cpu, "gpu-box", 3_600_000, T);
    const params = new URL(path, "http://hub").searchParams;
    expect([params.get("name"), params.get("host"), params.get("labels"), params.get("from"), params.get("to")]).toEqual([
      "vigil_cpu_usage_percent",
      "gpu-box",
      '{"cpu":"total"}',
      String(T - 3_600_000),
      String(T),
    ]);
  });

  it("joins lines on one time axis: a 10 s push in 5 s buckets is drawn through, an outage is a gap", () => {
    const network = HOST_CHARTS.find((c) => c.id === "network");
    if (!network) throw new Error("no network chart");
    // eth0 in: a point every 10 s, then a 60 s outage, then again every 10 s. eth0 out: every 5 s.
    const received: SeriesAnswer = {
      step: 5000,
      series: [
        {
          labels: { device: "eth0" },
          points: [...every(T, T + 20_000, 10_000, () => 100), ...every(T + 80_000, T + 90_000, 10_000, () => 200)],
        },
      ],
    };
    const sent: SeriesAnswer = {
      step: 5000,
      series: [{ labels: { device: "eth0" }, points: every(T, T + 20_000, 5000, (t) => (t - T) / 1000) }],
    };
    const aligned = alignSeries(network.queries, [received, sent]);
    expect(aligned.legends).toEqual(["eth0 in", "eth0 out"]);
    const [xs, inbound, outbound] = aligned.data;
    expect(xs).toEqual([0, 5, 10, 15, 20, 80, 90].map((s) => (T + s * 1000) / 1000));
    // undefined: drawn across; null: a gap (uPlot's convention).
    expect(inbound).toEqual([100, undefined, 100, undefined, 100, 200, 200]);
    expect(outbound).toEqual([0, 5, 10, 15, 20, undefined, undefined]);

    const withOutage: SeriesAnswer = {
      step: 5000,
      series: [
        {
          labels: { device: "eth0" },
          points: [...every(T, T + 20_000, 10_000, () => 1), ...every(T + 80_000, T + 90_000, 10_000, () => 2)],
        },
      ],
    };
    const both = alignSeries(network.queries, [
      withOutage,
      { step: 5000, series: [{ labels: { device: "eth0" }, points: every(T, T + 90_000, 5000, () => 3) }] },
    ]);
    const gap = both.data[1];
    // Between 20 s and 80 s the inbound line has no point for 60 s, more than three of its spacings: a gap.
    expect(gap?.slice(4, 17)).toEqual([1, null, null, null, null, null, null, null, null, null, null, null, 2]);
  });

  it("has no line when no series matched (a host without GPUs gets no GPU charts)", () => {
    const gpu = HOST_CHARTS.find((c) => c.id === "gpu-temperature");
    if (!gpu) throw new Error("no gpu chart");
    expect(alignSeries(gpu.queries, [{ step: 5000, series: [] }])).toEqual({ legends: [], data: [[]] });
  });
});

describe("the silence form", () => {
  const fields = {
    hosts: "gpu-box, nas",
    rules: "gpu-temperature",
    labels: "gpu=0",
    duration: "2h",
    comment: " swapping fans ",
    createdBy: "",
  };

  it("builds the API's request from what was typed", () => {
    expect(silenceRequestFromForm(fields)).toEqual({
      ok: true,
      request: {
        matchers: { hosts: ["gpu-box", "nas"], rules: ["gpu-temperature"], labels: { gpu: "0" } },
        duration: "2h",
        comment: "swapping fans",
      },
    });
    expect(describeMatchers({ hosts: ["gpu-box"], rules: ["gpu-temperature"], labels: { gpu: "0", pool: { notEquals: "tank" } } })).toBe(
      "hosts gpu-box · rules gpu-temperature · gpu=0 · pool!=tank",
    );
  });

  it("names the field that is wrong", () => {
    expect(silenceRequestFromForm({ ...fields, hosts: "", rules: "", labels: "" })).toMatchObject({ ok: false, field: "hosts" });
    expect(silenceRequestFromForm({ ...fields, labels: "gpu" })).toEqual({
      ok: false,
      field: "labels",
      message: 'expected name=value, got "gpu"',
    });
    expect(silenceRequestFromForm({ ...fields, duration: "soon" })).toMatchObject({ ok: false, field: "duration" });
    expect(silenceRequestFromForm({ ...fields, comment: "  " })).toMatchObject({ ok: false, field: "comment" });
  });
});

describe("the view models are browser modules", () => {
  it("import nothing at run time but each other (shared/ and hub/ are not served to browsers; types are erased)", () => {
    const offending: string[] = [];
    for (const file of readdirSync(MODEL_DIR).filter((f) => f.endsWith(".ts"))) {
      const text = readFileSync(join(MODEL_DIR, file), "utf8");
      for (const m of text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+"([^"]+)";/gms)) {
        if (m[1] === undefined && !(m[2] ?? "").startsWith("./")) offending.push(`${file}: ${m[2]}`);
      }
      if (/["']node:|\bprocess\.|\bBuffer\./.test(text)) offending.push(`${file}: uses Node`);
    }
    expect(offending).toEqual([]);
  });
});
