import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { createContainersCollector } from "../../../agent/collectors/containers/index.ts";
import { type FakeCase, writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { CONTAINER_FIXTURES_DIR } from "./container-fixtures.ts";

const tempDir = useTempDirs();
const T = 1_767_225_600_000;
afterEach(() => {
  vi.unstubAllEnvs();
});

// sh case patterns: spaces must be escaped, or the generated script does not parse.
const PS: FakeCase = { args: "*\\ ps\\ *", stdoutFile: join(CONTAINER_FIXTURES_DIR, "nerdctl-ps-json-1-running-compose-finch.jsonl") };
const INSPECT: FakeCase = {
  args: "*\\ container\\ inspect\\ *",
  stdoutFile: join(CONTAINER_FIXTURES_DIR, "nerdctl-v2-inspect-running-runc-nym-localnet.json"),
};

const collect = (collector: ReturnType<typeof createContainersCollector>): Promise<CollectOutcome> =>
  collector.collect({ now: T, signal: new AbortController().signal });

function stateOf(outcome: CollectOutcome, name: string): string | undefined {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return outcome.states.find((s) => s.name === "vigil_container_state" && s.labels.name === name)?.state;
}

const calls = (bin: string) => readFileSync(join(bin, "nerdctl.calls"), "utf8").trim().split("\n");

describe("containers collector, nerdctl", () => {
  it("finds nerdctl on PATH, lists with ps, inspects every listed id in one run", async () => {
    const bin = tempDir();
    writeFakeBin(bin, "nerdctl", [PS, INSPECT]);
    vi.stubEnv("PATH", `${bin}:${process.env.PATH ?? ""}`);
    const outcome = await collect(
      createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: "nerdctl", namespace: "default" }], timeout: 5000 }),
    );
    expect(stateOf(outcome, "lab-nature-localnet-nyxdab")).toBe("running");
    expect(calls(bin)).toEqual([
      "--namespace default ps -a --no-trunc --format {{json .}}",
      "--namespace default container inspect --mode=dockercompat 250762bf59eb",
    ]);
    if (outcome.kind !== "ok") return;
    expect(outcome.samples.find((s) => s.name === "vigil_container_info")).toEqual({
      name: "vigil_container_info",
      labels: {
        runtime: "nerdctl",
        name: "lab-nature-localnet-nyxdab",
        id: "22a611624245",
        image: "docker.io/library/localnet-nyxd:v0.60.1",
      },
      timestamp: T,
      value: 1,
    });
  });

  it("runs the configured executable path, in the configured namespace", async () => {
    const bin = tempDir();
    const nerdctl = writeFakeBin(bin, "nerdctl", [PS, INSPECT]);
    const outcome = await collect(
      createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "k8s.io", name: "k8s" }], timeout: 5000 }),
    );
    expect(stateOf(outcome, "lab-nature-localnet-nyxdab")).toBe("running");
    expect(calls(bin)[0]).toBe("--namespace k8s.io ps -a --no-trunc --format {{json .}}");
    if (outcome.kind === "ok") expect(outcome.states.find((s) => s.name === "vigil_container_state")?.labels.runtime).toBe("k8s");
  });

  it("no containers: ps prints nothing and no inspect runs", async () => {
    const bin = tempDir();
    const nerdctl = writeFakeBin(bin, "nerdctl", [{ args: "*\\ ps\\ *", stdout: "" }]);
    const outcome = await collect(
      createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 5000 }),
    );
    expect(outcome).toMatchObject({ kind: "ok", states: [{ name: "vigil_container_runtime_status", state: "ok" }] });
    expect(calls(bin)).toHaveLength(1);
  });

  it("a missing executable is 'unavailable', naming it", async () => {
    const nerdctl = join(tempDir(), "nerdctl");
    const outcome = await collect(
      createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 5000 }),
    );
    expect(outcome).toEqual({ kind: "unavailable", reason: `nerdctl: ${nerdctl}: not found (is it installed and on PATH?)` });
  });

  it("nerdctl that cannot reach containerd (not root, no rootless containerd) is 'unavailable' in its own words", async () => {
    const message =
      'time="2025-01-01T00:00:00Z" level=fatal msg="rootless containerd not running? (hint: use `containerd-rootless-setuptool.sh install` to start rootless containerd): stat /run/user/1000/containerd-rootless: no such file or directory"';
    const nerdctl = writeFakeBin(tempDir(), "nerdctl", [{ stderr: message, exitCode: 1 }]);
    const outcome = await collect(
      createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 5000 }),
    );
    expect(outcome).toEqual({
      kind: "unavailable",
      reason: `nerdctl: ${nerdctl} --namespace default ps: cannot reach containerd: ${message}`,
    });
  });

  it("a hung nerdctl is killed at the runtime's deadline and the cycle fails; the next cycle works", async () => {
    const bin = tempDir();
    const nerdctl = writeFakeBin(bin, "nerdctl", [{ sleepSeconds: 30 }]);
    const collector = createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 600 });
    const started = performance.now();
    const err = await collect(collector).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(5000);
    expect((err as Error).message).toMatch(
      new RegExp(
        `^no container runtime answered: nerdctl: ${nerdctl} --namespace default ps -a --no-trunc --format "\\{\\{json \\.\\}\\}": (killed after 480 ms \\(timeout\\)|aborted)`,
      ),
    );
    writeFakeBin(bin, "nerdctl", [PS, INSPECT]);
    expect(stateOf(await collect(collector), "lab-nature-localnet-nyxdab")).toBe("running");
  });

  it("garbage from ps or inspect fails the cycle naming the command and line; the next cycle works", async () => {
    const bin = tempDir();
    const nerdctl = writeFakeBin(bin, "nerdctl", [{ args: "*\\ ps\\ *", stdout: "Segmentation fault\n" }]);
    const collector = createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 5000 });
    await expect(collect(collector)).rejects.toThrow(/--format "\{\{json \.\}\}" line 1: not JSON .*it starts with "Segmentation fault"$/);
    writeFakeBin(bin, "nerdctl", [PS, { args: "*\\ container\\ inspect\\ *", stdout: "{}" }]);
    await expect(collect(collector)).rejects.toThrow(
      /container inspect --mode=dockercompat \.\.\.: unexpected shape: expected array, got an object$/,
    );
    writeFakeBin(bin, "nerdctl", [PS, INSPECT]);
    expect(stateOf(await collect(collector), "lab-nature-localnet-nyxdab")).toBe("running");
  });

  it("inspect exiting 1 after printing the others (a container removed after ps) still reports them; with nothing printed it fails", async () => {
    const bin = tempDir();
    const nerdctl = writeFakeBin(bin, "nerdctl", [{ ...INSPECT, stderr: "no such container: 250762bf59eb", exitCode: 1 }, PS]);
    const collector = createContainersCollector({ runtimes: [{ kind: "nerdctl", binary: nerdctl, namespace: "default" }], timeout: 5000 });
    expect(stateOf(await collect(collector), "lab-nature-localnet-nyxdab")).toBe("running");
    writeFakeBin(bin, "nerdctl", [{ args: "*\\ container\\ inspect\\ *", stderr: "no such container: 250762bf59eb", exitCode: 1 }, PS]);
    await expect(collect(collector)).rejects.toThrow(
      /container inspect --mode=dockercompat \.\.\.: exited with 1 and printed nothing: no such container: 250762bf59eb$/,
    );
  });
});
