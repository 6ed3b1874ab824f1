import { describe, expect, it } from "vitest";
import { StateChangeWatch } from "../../agent/transport/state-change-watch.ts";

const unit = (name: string, state: string) => ({ name: "vigil_unit_active_state", labels: { unit: name }, timestamp: 1, state });
const pool = (state: string) => ({ name: "vigil_zfs_pool_health", labels: { pool: "nvme-fast" }, timestamp: 1, state });

describe("StateChangeWatch", () => {
  it("does not count the first collection, where every state is new", () => {
    const watch = new StateChangeWatch();
    expect(watch.changed([unit("postgresql.service", "active"), pool("ONLINE")])).toBe(false);
  });

  it("counts a state whose value changed, and only then", () => {
    const watch = new StateChangeWatch();
    watch.changed([unit("ollama-gpu.service", "active"), pool("ONLINE")]);
    expect(watch.changed([unit("ollama-gpu.service", "active"), pool("ONLINE")])).toBe(false);
    expect(watch.changed([unit("ollama-gpu.service", "failed"), pool("ONLINE")])).toBe(true);
    expect(watch.changed([unit("ollama-gpu.service", "failed"), pool("ONLINE")])).toBe(false);
    expect(watch.changed([pool("DEGRADED")])).toBe(true);
  });

  it("counts a new entity of a kind already seen (a unit newly failed), not a new kind of state", () => {
    const watch = new StateChangeWatch();
    watch.changed([unit("ollama-gpu.service", "active")]);
    expect(watch.changed([unit("recommender.service", "failed")])).toBe(true);
    expect(watch.changed([pool("ONLINE")])).toBe(false);
  });

  it("tells label sets apart whatever their key order", () => {
    const watch = new StateChangeWatch();
    const a = { name: "vigil_container_health", labels: { runtime: "nerdctl", name: "qdrant" }, timestamp: 1, state: "healthy" };
    const b = { ...a, labels: { name: "qdrant", runtime: "nerdctl" } };
    watch.changed([a]);
    expect(watch.changed([b])).toBe(false);
    expect(watch.changed([{ ...b, state: "unhealthy" }])).toBe(true);
  });
});
