import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { createContainersCollector, type RuntimeChange } from "../../../agent/collectors/containers/index.ts";
import { writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { CONTAINER_FIXTURES_DIR, containerFixture } from "./container-fixtures.ts";
import { useFakeEngines } from "./fake-engine.ts";

const tempDir = useTempDirs();
const startFakeEngine = useFakeEngines();
const T = 1_767_225_600_000;

const collect = (collector: ReturnType<typeof createContainersCollector>): Promise<CollectOutcome> =>
  collector.collect({ now: T, signal: new AbortController().signal });

/** A fake nerdctl printing the real ps and inspect samples. */
function workingNerdctl(): string {
  return writeFakeBin(tempDir(), "nerdctl", [
    { args: "*\\ ps\\ *", stdoutFile: join(CONTAINER_FIXTURES_DIR, "nerdctl-ps-json-1-running-compose-finch.jsonl") },
    { args: "*\\ container\\ inspect\\ *", stdoutFile: join(CONTAINER_FIXTURES_DIR, "nerdctl-v2-inspect-running-runc-nym-localnet.json") },
  ]);
}

function perRuntime(outcome: CollectOutcome): Record<string, unknown> {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return {
    up: Object.fromEntries(outcome.samples.filter((s) => s.name === "vigil_container_runtime_up").map((s) => [s.labels.runtime, s.value])),
    status: Object.fromEntries(
      outcome.states.filter((s) => s.name === "vigil_container_runtime_status").map((s) => [s.labels.runtime, s.state]),
    ),
    containers: outcome.states
      .filter((s) => s.name === "vigil_container_state")
      .map((s) => `${s.labels.runtime}/${s.labels.name}=${s.state}`),
  };
}

describe("containers collector with several runtimes", () => {
  it("a hung Docker does not hide nerdctl's containers: partial results within the cycle, Docker marked down", async () => {
    const engine = await startFakeEngine(tempDir(), { list: "[]", inspect: {} });
    engine.mode = "hang";
    const changes: RuntimeChange[] = [];
    const collector = createContainersCollector({
      runtimes: [
        { kind: "docker", socket: engine.socket },
        { kind: "nerdctl", binary: workingNerdctl(), namespace: "default" },
      ],
      timeout: 2000,
      onRuntimeChange: (change) => changes.push(change),
    });
    const started = performance.now();
    const outcome = await collect(collector);
    expect(performance.now() - started).toBeLessThan(2000); // before the scheduler would abandon the cycle
    expect(perRuntime(outcome)).toEqual({
      up: { docker: 0, nerdctl: 1 },
      status: { docker: "error", nerdctl: "ok" },
      containers: ["nerdctl/lab-nature-localnet-nyxdab=running"],
    });
    const failure = {
      runtime: "docker",
      status: "error",
      reason: `${engine.socket}: GET /containers/json?all=1: no answer within 1600 ms`,
    };
    expect(changes).toEqual([failure]);

    await collect(collector);
    expect(changes).toHaveLength(1); // the same failure is said once

    engine.mode = "serve";
    expect(perRuntime(await collect(collector))).toMatchObject({ up: { docker: 1, nerdctl: 1 } });
    expect(changes).toEqual([failure, { runtime: "docker", status: "ok" }]);
  });

  it("an absent Docker beside a working Podman: Podman's containers, Docker's runtime_up 0", async () => {
    const podman = await startFakeEngine(tempDir(), {
      list: containerFixture("engine-api-containers-json-4-containers-exited-running-restarting-watchtower.json"),
      inspect: {
        b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008: containerFixture(
          "engine-api-container-inspect-running-watchtower.json",
        ),
      },
    });
    const outcome = await collect(
      createContainersCollector({
        runtimes: [
          { kind: "docker", socket: join(tempDir(), "docker.sock") },
          { kind: "podman", socket: podman.socket },
        ],
        timeout: 5000,
      }),
    );
    expect(perRuntime(outcome)).toEqual({
      up: { docker: 0, podman: 1 },
      status: { docker: "unavailable", podman: "ok" },
      containers: ["podman/portainer=running"],
    });
  });

  it("nothing installed at all is 'unavailable' with every runtime's reason; unavailable beside failed is a failed cycle", async () => {
    const dir = tempDir();
    const missing = createContainersCollector({
      runtimes: [
        { kind: "docker", socket: join(dir, "docker.sock") },
        { kind: "nerdctl", binary: join(dir, "nerdctl"), namespace: "default" },
      ],
      timeout: 5000,
    });
    expect(await collect(missing)).toEqual({
      kind: "unavailable",
      reason: `docker: ${join(dir, "docker.sock")} does not exist (is the daemon installed and running?); nerdctl: ${join(dir, "nerdctl")}: not found (is it installed and on PATH?)`,
    });

    const broken = writeFakeBin(tempDir(), "nerdctl", [{ stdout: "garbage\n" }]);
    const failed = createContainersCollector({
      runtimes: [
        { kind: "docker", socket: join(dir, "docker.sock") },
        { kind: "nerdctl", binary: broken, namespace: "default" },
      ],
      timeout: 5000,
    });
    await expect(collect(failed)).rejects.toThrow(
      /^no container runtime answered: docker: .* does not exist .*; nerdctl: .* line 1: not JSON/,
    );
  });
});
