import { describe, expect, it } from "vitest";
import { SampleBuilder } from "../../../agent/collectors/system/samples.ts";

const T = 1_767_225_600_000;

describe("SampleBuilder", () => {
  it("stamps every sample with the cycle's time and adds nothing for a missing or non-finite value", () => {
    const out = new SampleBuilder(T);
    out.add("vigil_a", 1.5, { k: "v" });
    out.add("vigil_b", undefined);
    out.add("vigil_c", Number.NaN);
    out.add("vigil_d", Number.POSITIVE_INFINITY);
    out.add("vigil_e", 0);
    expect(out.samples).toEqual([
      { name: "vigil_a", labels: { k: "v" }, timestamp: T, value: 1.5 },
      { name: "vigil_e", labels: {}, timestamp: T, value: 0 },
    ]);
  });

  it("keeps some and full pressure apart", () => {
    const out = new SampleBuilder(T);
    out.pressure("io", {
      some: { avg10: 1.5, avg60: 1, avg300: 1, totalMicroseconds: 10 },
      full: { avg10: 0.25, avg60: 0, avg300: 0, totalMicroseconds: 5 },
    });
    out.pressure("cpu", { some: { avg10: 3, avg60: 0, avg300: 0, totalMicroseconds: 1 } });
    expect(out.samples.map((s) => [s.name, s.labels.resource, s.value])).toEqual([
      ["vigil_pressure_some_avg10_percent", "io", 1.5],
      ["vigil_pressure_full_avg10_percent", "io", 0.25],
      ["vigil_pressure_some_avg10_percent", "cpu", 3],
    ]);
  });

  it("gives no CPU sample for a CPU absent from the previous reading", () => {
    const out = new SampleBuilder(T);
    const cpu = (id: string, idle: number) => ({ cpu: id, user: 10, nice: 0, system: 0, idle });
    out.cpu(new Map([["0", cpu("0", 10)]]), [cpu("0", 30), cpu("1", 30)]);
    expect(out.samples).toEqual([{ name: "vigil_cpu_usage_percent", labels: { cpu: "0" }, timestamp: T, value: 0 }]);
  });
});
