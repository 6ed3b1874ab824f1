import { describe, expect, it } from "vitest";
import { joinListAndInspect, onePerName } from "../../../agent/collectors/containers/container-status.ts";
import { parseEngineList } from "../../../agent/collectors/containers/parse-engine-list.ts";
import { parseInspect, parseInspectArray } from "../../../agent/collectors/containers/parse-inspect.ts";
import { parseNerdctlPs } from "../../../agent/collectors/containers/parse-nerdctl-ps.ts";
import { containerObservations } from "../../../agent/collectors/containers/samples.ts";
import { containerFixture } from "./container-fixtures.ts";

const T = 1_767_225_600_000;
const WATCHTOWER_LIST = parseEngineList(
  containerFixture("engine-api-containers-json-4-containers-exited-running-restarting-watchtower.json"),
);
const EXITED = parseInspect(containerFixture("engine-api-container-inspect-exited-code1-watchtower.json"), "x");
const RUNNING = parseInspect(containerFixture("engine-api-container-inspect-running-watchtower.json"), "x");

describe("joinListAndInspect", () => {
  it("keeps inspected containers only (one removed after the list is left out), adding the short id", () => {
    const joined = joinListAndInspect(WATCHTOWER_LIST, [EXITED, RUNNING]);
    expect(joined.map((c) => [c.shortId, c.name, c.image, c.state])).toEqual([
      ["ae8964ba86c7", "watchtower-stopped", "containrrr/watchtower:latest", "exited"],
      ["b978af0b858a", "portainer", "portainer/portainer:latest", "running"],
    ]);
  });

  it("falls back to the list's name and image, then to the short id", () => {
    const listed = parseNerdctlPs(containerFixture("nerdctl-ps-json-1-running-compose-finch.jsonl"));
    const unnamed = { ...RUNNING, id: "250762bf59eb", name: undefined, image: undefined };
    expect(joinListAndInspect(listed, [unnamed])[0]).toMatchObject({ name: "test-nginx_1-1", image: "docker.io/library/nginx:latest" });
    expect(joinListAndInspect([], [unnamed])[0]).toMatchObject({ name: "250762bf59eb", image: "" });
  });
});

describe("onePerName", () => {
  it("keeps the most recently started of containers sharing a name (Kubernetes' exited attempts)", () => {
    const [current] = joinListAndInspect([], [{ ...RUNNING, id: "new", name: "coredns", startedAtSeconds: 2000 }]);
    const [oldAttempt] = joinListAndInspect([], [{ ...EXITED, id: "old", name: "coredns", startedAtSeconds: 1000 }]);
    const [neverStarted] = joinListAndInspect([], [{ ...EXITED, id: "nil", name: "coredns", startedAtSeconds: undefined }]);
    expect(onePerName([oldAttempt!, current!, neverStarted!]).map((c) => c.id)).toEqual(["new"]);
    expect(onePerName([neverStarted!, oldAttempt!]).map((c) => c.id)).toEqual(["old"]);
  });
});

describe("containerObservations", () => {
  it("emits per container: info with id and image, restarts, exit code only when exited, start time, OOM flag, state and health", () => {
    const containers = joinListAndInspect(WATCHTOWER_LIST, [EXITED, RUNNING]);
    const obs = containerObservations([{ runtime: "docker", status: "ok", containers }], T);
    const key = (s: { name: string; labels: Record<string, string> }) =>
      `${s.name}{${Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(",")}}`;
    expect(Object.fromEntries(obs.samples.map((s) => [key(s), s.value]))).toEqual({
      "vigil_container_runtime_up{runtime=docker}": 1,
      "vigil_container_info{runtime=docker,name=watchtower-stopped,id=ae8964ba86c7,image=containrrr/watchtower:latest}": 1,
      "vigil_container_restarts_total{runtime=docker,name=watchtower-stopped}": 0,
      "vigil_container_exit_code{runtime=docker,name=watchtower-stopped}": 1,
      "vigil_container_start_time_seconds{runtime=docker,name=watchtower-stopped}": 1554925882.918,
      "vigil_container_oom_killed{runtime=docker,name=watchtower-stopped}": 0,
      "vigil_container_info{runtime=docker,name=portainer,id=b978af0b858a,image=portainer/portainer:latest}": 1,
      "vigil_container_restarts_total{runtime=docker,name=portainer}": 0,
      "vigil_container_start_time_seconds{runtime=docker,name=portainer}": 1555195104.498,
      "vigil_container_oom_killed{runtime=docker,name=portainer}": 0,
    });
    expect(obs.samples.every((s) => s.timestamp === T)).toBe(true);
    expect(Object.fromEntries(obs.states.map((s) => [key(s), s.state]))).toEqual({
      "vigil_container_runtime_status{runtime=docker}": "ok",
      "vigil_container_state{runtime=docker,name=watchtower-stopped}": "exited",
      "vigil_container_health{runtime=docker,name=watchtower-stopped}": "none",
      "vigil_container_state{runtime=docker,name=portainer}": "running",
      "vigil_container_health{runtime=docker,name=portainer}": "none",
    });
  });

  it("a healthcheck adds its failing streak; nerdctl's missing OOM flag gives no sample rather than a 0", () => {
    const healthy = joinListAndInspect(
      [],
      [parseInspect(containerFixture("engine-api-v1.24-container-inspect-health-healthy-with-log.json"), "x")],
    );
    const nerdctl = joinListAndInspect([], parseInspectArray(containerFixture("nerdctl-v2-inspect-running-runc-nym-localnet.json"), "x"));
    const obs = containerObservations(
      [
        { runtime: "podman", status: "ok", containers: healthy },
        { runtime: "nerdctl", status: "ok", containers: nerdctl },
      ],
      T,
    );
    expect(obs.samples.filter((s) => s.name === "vigil_container_health_failing_streak")).toEqual([
      { name: "vigil_container_health_failing_streak", labels: { runtime: "podman", name: "small_hodgkin" }, timestamp: T, value: 0 },
    ]);
    expect(obs.samples.filter((s) => s.name === "vigil_container_oom_killed").map((s) => s.labels.runtime)).toEqual(["podman"]);
    expect(obs.states.filter((s) => s.name === "vigil_container_health").map((s) => [s.labels.name, s.state])).toEqual([
      ["small_hodgkin", "healthy"],
      ["lab-nature-localnet-nyxdab", "none"],
    ]);
  });

  it("a runtime that did not answer gets up 0 and its status, and no container observations", () => {
    const obs = containerObservations(
      [
        { runtime: "docker", status: "unavailable", reason: "/var/run/docker.sock does not exist" },
        { runtime: "nerdctl", status: "error", reason: "killed" },
      ],
      T,
    );
    expect(obs.samples.map((s) => [s.name, s.labels.runtime, s.value])).toEqual([
      ["vigil_container_runtime_up", "docker", 0],
      ["vigil_container_runtime_up", "nerdctl", 0],
    ]);
    expect(obs.states.map((s) => [s.name, s.labels.runtime, s.state])).toEqual([
      ["vigil_container_runtime_status", "docker", "unavailable"],
      ["vigil_container_runtime_status", "nerdctl", "error"],
    ]);
  });
});
