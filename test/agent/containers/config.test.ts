import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function load(yaml: string) {
  const file = join(tempDir(), "agent.yaml");
  writeFileSync(file, yaml);
  return { file, run: () => loadConfig({ schema: agentConfigSchema, file, fileRequired: true, envOverrides: [], env: {} }).config };
}

describe("collectors.containers config", () => {
  it("is on by default, every 15 s with a 10 s timeout, asking Docker's usual socket", () => {
    expect(load("{}\n").run().collectors.containers).toEqual({
      enabled: true,
      interval: 15_000,
      timeout: 10_000,
      runtimes: [{ kind: "docker", socket: "/var/run/docker.sock" }],
    });
  });

  it("fills each runtime's defaults: Podman's socket, nerdctl on PATH in namespace default", () => {
    const { run } = load(
      "collectors:\n  containers:\n    runtimes:\n      - kind: podman\n      - kind: nerdctl\n      - kind: nerdctl\n        namespace: k8s.io\n        name: k8s\n",
    );
    expect(run().collectors.containers.runtimes).toEqual([
      { kind: "podman", socket: "/run/podman/podman.sock" },
      { kind: "nerdctl", binary: "nerdctl", namespace: "default" },
      { kind: "nerdctl", binary: "nerdctl", namespace: "k8s.io", name: "k8s" },
    ]);
  });

  it("takes a socket as a path or as DOCKER_HOST's unix:// URL, and refuses TCP", () => {
    const url = load(
      "collectors:\n  containers:\n    runtimes:\n      - kind: docker\n        socket: unix:///run/user/1000/docker.sock\n",
    );
    expect(url.run().collectors.containers.runtimes).toEqual([{ kind: "docker", socket: "/run/user/1000/docker.sock" }]);
    const tcp = load("collectors:\n  containers:\n    runtimes:\n      - kind: docker\n        socket: tcp://10.0.0.5:2375\n");
    expect(tcp.run).toThrow(
      `${tcp.file}: collectors.containers.runtimes[0].socket: expected the absolute path of a unix socket, such as /var/run/docker.sock, got the string "tcp://10.0.0.5:2375"`,
    );
  });

  it("the registry schedules it with its own interval and timeout", () => {
    const { run } = load("collectors:\n  containers:\n    interval: 30s\n    timeout: 5s\n");
    const scheduled = createCollectors(run()).find((s) => s.collector.name === "containers");
    expect(scheduled).toMatchObject({ intervalMs: 30_000, timeoutMs: 5_000 });
    expect(createCollectors(load("collectors:\n  containers:\n    enabled: false\n").run()).map((s) => s.collector.name)).not.toContain(
      "containers",
    );
  });

  it("errors name the file, the path and what was expected", () => {
    const unknownKind = load("collectors:\n  containers:\n    runtimes:\n      - kind: lxc\n");
    expect(unknownKind.run).toThrow(
      `${unknownKind.file}: collectors.containers.runtimes[0].kind: expected "docker", "podman" or "nerdctl"`,
    );
    const typo = load("collectors:\n  containers:\n    runtimes:\n      - kind: docker\n        sock: /run/docker.sock\n");
    expect(typo.run).toThrow(`${typo.file}: collectors.containers.runtimes[0].sock: is not a known key (check the spelling)`);
    const empty = load("collectors:\n  containers:\n    runtimes: []\n");
    expect(empty.run).toThrow(`${empty.file}: collectors.containers.runtimes: list at least one runtime, or set enabled: false`);
  });

  it("two runtimes with the same label must be told apart by name", () => {
    const twice = load(
      "collectors:\n  containers:\n    runtimes:\n      - kind: nerdctl\n      - kind: nerdctl\n        namespace: k8s.io\n",
    );
    expect(twice.run).toThrow(
      `${twice.file}: collectors.containers.runtimes[1].name: runtimes[0] is also called "nerdctl": give one of them a distinct name (it becomes the runtime label)`,
    );
    const badName = load("collectors:\n  containers:\n    runtimes:\n      - kind: docker\n        name: my docker\n");
    expect(badName.run).toThrow(/collectors\.containers\.runtimes\[0\]\.name: must be 1-64 letters, digits/);
  });
});
