import { describe, expect, it } from "vitest";
import { compileSilenceMatchers } from "../../../hub/silences/silence-match.ts";
import { silenceMatchers } from "../../../hub/silences/silences-api.ts";

const poolAlert = { rule: "pool-not-online", hostId: "nas", labels: { pool: "sata-bulk" } };
const gpuAlert = { rule: "gpu-temperature", hostId: "gpu-box", labels: { gpu: "0", name: "NVIDIA GeForce RTX 4090" } };
const hostDown = { rule: "host-down", hostId: "gpu-box", labels: {} };
const LAB = { site: "lab", role: "inference" };
const HOME = { site: "home" };

function matcher(m: unknown) {
  return compileSilenceMatchers(silenceMatchers.parse(m));
}

describe("silence matchers", () => {
  it("by host: every alert of that host, host-down included", () => {
    const m = matcher({ hosts: ["gpu-box"] });
    expect([m(gpuAlert, LAB), m(hostDown, LAB), m(poolAlert, HOME)]).toEqual([true, true, false]);
  });

  it("by rule, on every host", () => {
    const m = matcher({ rules: ["pool-not-online", "pool-capacity"] });
    expect([m(poolAlert, HOME), m({ ...poolAlert, hostId: "other" }, HOME), m(gpuAlert, LAB)]).toEqual([true, true, false]);
  });

  it("by labels, with the rules' matcher syntax (a regular expression matches the whole value)", () => {
    const m = matcher({ labels: { pool: { matches: "sata-.*" } } });
    expect([
      m(poolAlert, HOME),
      m({ ...poolAlert, labels: { pool: "nvme-fast" } }, HOME),
      m({ ...poolAlert, labels: { pool: "old-sata-x" } }, HOME),
    ]).toEqual([true, false, false]);
  });

  it("by host labels: a maintenance window for every host of the lab", () => {
    const m = matcher({ hostLabels: { site: "lab" } });
    expect([m(gpuAlert, LAB), m(gpuAlert, HOME), m({ ...gpuAlert, hostId: null }, {})]).toEqual([true, false, false]);
  });

  it("every given criterion must match", () => {
    const m = matcher({ hosts: ["gpu-box"], rules: ["gpu-temperature"], labels: { gpu: "0" } });
    expect([m(gpuAlert, LAB), m({ ...gpuAlert, labels: { gpu: "1" } }, LAB), m(hostDown, LAB)]).toEqual([true, false, false]);
  });

  it("refuses a silence of everything", () => {
    const r = silenceMatchers.safeParse({});
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toBe(
      "expected at least one of hosts, rules, labels or hostLabels (a silence of every alert is refused)",
    );
  });
});
