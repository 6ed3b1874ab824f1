import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { type EntryFields, RemediationStore } from "../../../hub/remediation/remediation-store.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const T0 = 1_790_000_000_000;

const tempDir = useTempDirs();

/**
 * The remediation log's list (GET /api/v1/remediation, `vigil remediation`) and its pruning prepared
 * their statements per call, each holding native memory until a rare full collection: hub RSS grew
 * ~2 KiB per request (bench/hub-alerts-memory.ts --path /api/v1/remediation). After the first call of
 * each filter shape, listing and pruning prepare nothing.
 */
describe("RemediationStore under a steady stream of lists", () => {
  function entry(at: number, rule: string, hostId: string, unit: string): EntryFields {
    return {
      at,
      rule,
      fingerprint: `${rule}/${hostId}/${unit}`,
      hostId,
      agentId: hostId,
      action: "restart-unit",
      params: { unit },
      targetKey: `${hostId}/restart-unit/${unit}`,
      detail: `${unit} failed on ${hostId}`,
    };
  }

  it("prepares no statement per call once each filter shape was asked once, and still answers each filter right", () => {
    const hub = new HubStore(join(tempDir(), "hub.sqlite"));
    const store = new RemediationStore(hub.db);
    const run = store.insertRun(entry(T0, "unit-failed", "gpu-box", "ollama-gpu.service"));
    const outcome = { status: "succeeded", requestId: "req-1", exitCode: 0, durationMs: 412, detail: "restarted" };
    store.finishRun(run, { ...outcome, finishedAt: T0 + 500 });
    store.insertPaused(entry(T0 + 1000, "unit-failed", "nas", "smbd.service"));
    store.insertGaveUp(entry(T0 + 2000, "gpu-hot", "gpu-box", "vllm.service"), "escalation-fp-1");
    store.insertRun(entry(T0 + 3000, "unit-failed", "gpu-box", "vllm.service"));

    const filters = [
      { limit: 50 },
      { limit: 50, rule: "unit-failed" },
      { limit: 50, hostId: "gpu-box" },
      { limit: 1, rule: "unit-failed", hostId: "gpu-box" },
      { limit: 2 },
    ];
    const answer = (f: (typeof filters)[number]) =>
      store.list(f).map((e) => `${e.kind} ${e.rule} ${e.hostId} ${e.params.unit} ${e.status}`);
    const first = filters.map(answer);
    expect(store.prune(T0 - 1)).toBe(0);

    const prepare = vi.spyOn(hub.db, "prepare");
    for (let i = 0; i < 2000; i++) {
      const n = i % filters.length;
      expect(answer(filters[n] as (typeof filters)[number])).toEqual(first[n]);
    }
    // Pruning, which the hub runs on a timer, reuses its statement too: the gave-up row stays (its escalation is open).
    expect(store.prune(T0 + 2500)).toBe(2);
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();

    const [all, unitFailed, gpuBox, newestGpuUnitFailed, newestTwo] = first;
    expect(all).toEqual([
      "run unit-failed gpu-box vllm.service running",
      "gave_up gpu-hot gpu-box vllm.service null",
      "paused unit-failed nas smbd.service null",
      "run unit-failed gpu-box ollama-gpu.service succeeded",
    ]);
    expect(unitFailed).toEqual([
      "run unit-failed gpu-box vllm.service running",
      "paused unit-failed nas smbd.service null",
      "run unit-failed gpu-box ollama-gpu.service succeeded",
    ]);
    expect(gpuBox).toEqual([
      "run unit-failed gpu-box vllm.service running",
      "gave_up gpu-hot gpu-box vllm.service null",
      "run unit-failed gpu-box ollama-gpu.service succeeded",
    ]);
    expect(newestGpuUnitFailed).toEqual(["run unit-failed gpu-box vllm.service running"]);
    expect(newestTwo).toEqual(all?.slice(0, 2));
    expect(answer({ limit: 50 })).toEqual(["run unit-failed gpu-box vllm.service running", "gave_up gpu-hot gpu-box vllm.service null"]);
    hub.close();
  });
});
