import { linkSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import { createContainersCollector } from "../../../agent/collectors/containers/index.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { containerFixture } from "./container-fixtures.ts";
import { useFakeEngines } from "./fake-engine.ts";

const tempDir = useTempDirs();
const startFakeEngine = useFakeEngines();
const T = 1_767_225_600_000;

/** The watchtower daemon: 4 listed, 3 inspectable; 3d88e0e35432 is gone by the time it is inspected. */
const WATCHTOWER = {
  list: containerFixture("engine-api-containers-json-4-containers-exited-running-restarting-watchtower.json"),
  inspect: {
    ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b65: containerFixture(
      "engine-api-container-inspect-exited-code1-watchtower.json",
    ),
    b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008: containerFixture(
      "engine-api-container-inspect-running-watchtower.json",
    ),
    ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b67: containerFixture(
      "engine-api-container-inspect-restarting-flag-watchtower.json",
    ),
  },
};

async function collect(collector: ReturnType<typeof createContainersCollector>): Promise<CollectOutcome> {
  return collector.collect({ now: T, signal: new AbortController().signal });
}

function statesOf(outcome: CollectOutcome): Record<string, string> {
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  return Object.fromEntries(outcome.states.map((s) => [`${s.name}{${s.labels.runtime}/${s.labels.name ?? ""}}`, s.state]));
}

describe("containers collector, Docker Engine API on a unix socket", () => {
  it("lists all containers, inspects each at the paths the engine serves, and leaves out one removed meanwhile", async () => {
    const engine = await startFakeEngine(tempDir(), WATCHTOWER);
    const outcome = await collect(createContainersCollector({ runtimes: [{ kind: "docker", socket: engine.socket }], timeout: 5000 }));
    expect(statesOf(outcome)).toEqual({
      "vigil_container_runtime_status{docker/}": "ok",
      "vigil_container_state{docker/watchtower-stopped}": "exited",
      "vigil_container_health{docker/watchtower-stopped}": "none",
      "vigil_container_state{docker/portainer}": "running",
      "vigil_container_health{docker/portainer}": "none",
      "vigil_container_state{docker/watchtower-test}": "exited",
      "vigil_container_health{docker/watchtower-test}": "none",
    });
    expect(engine.requests[0]).toBe("GET /containers/json?all=1");
    expect(engine.requests.slice(1).sort()).toEqual([
      "GET /containers/3d88e0e3543281c747d88b27e246578b65ae8964ba86c7cd7522cf84e0978134/json",
      "GET /containers/ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b65/json",
      "GET /containers/ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b67/json",
      "GET /containers/b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008/json",
    ]);
    if (outcome.kind !== "ok") return;
    const exitCodes = outcome.samples.filter((s) => s.name === "vigil_container_exit_code").map((s) => [s.labels.name, s.value]);
    expect(exitCodes).toEqual([
      ["watchtower-stopped", 1],
      ["watchtower-test", 1],
    ]);
    expect(outcome.samples.find((s) => s.name === "vigil_container_info" && s.labels.name === "portainer")?.labels).toEqual({
      runtime: "docker",
      name: "portainer",
      id: "b978af0b858a",
      image: "portainer/portainer:latest",
    });
  });

  it("asks Podman's socket the same way and reports its healthcheck under runtime=podman", async () => {
    const engine = await startFakeEngine(tempDir(), {
      list: containerFixture("engine-api-v1.22-containers-json-1-container-up-less-than-a-second.json"),
      // The two fixtures were captured apart: the list's one id answers with the health capture.
      inspect: {
        "095351afe7b4995dfb3e965f9cfd3a07b1fe69198c50085a2cb7c2b5a5c9b62f": containerFixture(
          "engine-api-v1.24-container-inspect-health-healthy-with-log.json",
        ),
      },
    });
    const outcome = await collect(createContainersCollector({ runtimes: [{ kind: "podman", socket: engine.socket }], timeout: 5000 }));
    expect(statesOf(outcome)).toMatchObject({
      "vigil_container_health{podman/small_hodgkin}": "healthy",
      "vigil_container_state{podman/small_hodgkin}": "running",
    });
  });

  it("a socket that does not exist is 'unavailable', naming it", async () => {
    const socket = join(tempDir(), "docker.sock");
    const outcome = await collect(createContainersCollector({ runtimes: [{ kind: "docker", socket }], timeout: 5000 }));
    expect(outcome).toEqual({ kind: "unavailable", reason: `docker: ${socket} does not exist (is the daemon installed and running?)` });
  });

  it("a socket left behind by a stopped daemon (nobody listening) is 'unavailable'", async () => {
    const dir = tempDir();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(dir, "live.sock"), resolve));
    const stale = join(dir, "docker.sock");
    linkSync(join(dir, "live.sock"), stale); // a second name for the socket, which outlives the listener
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const outcome = await collect(createContainersCollector({ runtimes: [{ kind: "docker", socket: stale }], timeout: 5000 }));
    expect(outcome).toEqual({ kind: "unavailable", reason: `docker: nothing is listening on ${stale} (is the daemon running?)` });
  });

  it("a daemon that accepts and never answers fails the cycle at the runtime's deadline; the next cycle works", async () => {
    const engine = await startFakeEngine(tempDir(), WATCHTOWER);
    const collector = createContainersCollector({ runtimes: [{ kind: "docker", socket: engine.socket }], timeout: 500 });
    engine.mode = "hang";
    const started = performance.now();
    const err = await collect(collector).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3000);
    expect((err as Error).message).toBe(
      `no container runtime answered: docker: ${engine.socket}: GET /containers/json?all=1: no answer within 400 ms`,
    );
    engine.mode = "serve";
    expect(statesOf(await collect(collector))).toMatchObject({ "vigil_container_state{docker/portainer}": "running" });
  });

  it("an answer that is not JSON fails the cycle, naming the request; the next cycle works", async () => {
    const engine = await startFakeEngine(tempDir(), WATCHTOWER);
    const collector = createContainersCollector({ runtimes: [{ kind: "docker", socket: engine.socket }], timeout: 5000 });
    engine.mode = "garbage";
    await expect(collect(collector)).rejects.toThrow(
      `no container runtime answered: docker: ${engine.socket}: GET /containers/json?all=1: not JSON (Unexpected token '<', "<html><bod"... is not valid JSON); it starts with "<html><body>502 Bad Gateway</body></html"`,
    );
    engine.mode = "serve";
    expect((await collect(collector)).kind).toBe("ok");
  });

  it("an inspect answered 404 is a container removed meanwhile; an engine error gives the daemon's own message", async () => {
    const empty = await startFakeEngine(tempDir(), { list: "[]", inspect: {} });
    const collector = createContainersCollector({ runtimes: [{ kind: "docker", socket: empty.socket }], timeout: 5000 });
    expect(statesOf(await collect(collector))).toEqual({ "vigil_container_runtime_status{docker/}": "ok" });
    expect(empty.requests).toEqual(["GET /containers/json?all=1"]);

    const gone = await startFakeEngine(tempDir(), { list: JSON.stringify([{ Id: "0123456789abcdef" }]), inspect: {} });
    const outcome = await collect(createContainersCollector({ runtimes: [{ kind: "docker", socket: gone.socket }], timeout: 5000 }));
    expect(statesOf(outcome)).toEqual({ "vigil_container_runtime_status{docker/}": "ok" });
    expect(gone.requests).toEqual(["GET /containers/json?all=1", "GET /containers/0123456789abcdef/json"]);

    const failing = await startFakeEngine(tempDir(), {
      list: JSON.stringify({ message: "client version 1.41 is too old" }),
      listStatus: 400,
      inspect: {},
    });
    await expect(
      collect(createContainersCollector({ runtimes: [{ kind: "docker", socket: failing.socket }], timeout: 5000 })),
    ).rejects.toThrow(
      `no container runtime answered: docker: ${failing.socket}: GET /containers/json?all=1: HTTP 400: client version 1.41 is too old`,
    );
  });
});
