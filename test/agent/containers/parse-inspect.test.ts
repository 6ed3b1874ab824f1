import { describe, expect, it } from "vitest";
import { parseInspect, parseInspectArray } from "../../../agent/collectors/containers/parse-inspect.ts";
import { containerFixture } from "./container-fixtures.ts";

const inspect = (file: string) => parseInspect(containerFixture(file), `GET /containers/x/json`);

describe("parseInspect (Docker Engine API GET /containers/{id}/json)", () => {
  it("a running container without healthcheck: health none, no exit code, start time in epoch seconds", () => {
    expect(inspect("engine-api-container-inspect-running-watchtower.json")).toEqual({
      id: "b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008",
      name: "portainer",
      image: "portainer/portainer:latest",
      state: "running",
      health: "none",
      healthFailingStreak: undefined,
      restartCount: 0,
      startedAtSeconds: 1555195104.498, // 2019-04-13T22:38:24.498745809Z
      exitCode: undefined,
      oomKilled: false,
    });
  });

  it("an exited container keeps its exit code 1 and its last start", () => {
    expect(inspect("engine-api-container-inspect-exited-code1-watchtower.json")).toMatchObject({
      name: "watchtower-stopped",
      image: "containrrr/watchtower:latest",
      state: "exited",
      exitCode: 1,
      startedAtSeconds: 1554925882.918, // 2019-04-10T19:51:22.918972606Z
      oomKilled: false,
    });
  });

  it("takes the state from State.Status, not the Restarting flag (hand-edited in this fixture; nerdctl sets it for any restart policy)", () => {
    expect(inspect("engine-api-container-inspect-restarting-flag-watchtower.json")).toMatchObject({
      id: "ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b67",
      name: "watchtower-test",
      state: "exited",
      exitCode: 1,
    });
  });

  it("a running container with a healthcheck: healthy, failing streak 0; never-finished FinishedAt is ignored", () => {
    expect(inspect("engine-api-v1.24-container-inspect-health-healthy-with-log.json")).toEqual({
      id: "fc1243c01bbb791d9eca64204d76f72fc47fbebbca892d7dd0a5cd0e4e346045",
      name: "small_hodgkin",
      image: "busybox",
      state: "running",
      health: "healthy",
      healthFailingStreak: 0,
      restartCount: 0,
      startedAtSeconds: 1448053834.845, // 2015-11-20T21:10:34.845546358Z
      exitCode: undefined,
      oomKilled: false,
    });
  });

  it("Docker's documented example: a running container reports no exit code even though ExitCode is 9", () => {
    expect(inspect("docs-example-v1.41-container-inspect-health-from-swagger.json")).toMatchObject({
      name: "boring_euclid",
      image: "ubuntu",
      state: "running",
      health: "healthy",
      restartCount: 1,
      exitCode: undefined,
    });
  });

  it("a stopped container's last health is stale: reported as none", () => {
    const text = JSON.stringify({
      Id: "c3",
      Name: "/ollama-gpu",
      State: { Status: "exited", ExitCode: 137, Health: { Status: "unhealthy", FailingStreak: 4 } },
    });
    expect(parseInspect(text, "GET /containers/c3/json")).toMatchObject({
      state: "exited",
      health: "none",
      healthFailingStreak: undefined,
      exitCode: 137,
    });
  });

  it("no status and no name (a container nerdctl could not set up) give state unknown and no name", () => {
    const text = JSON.stringify({ Id: "nginx", Name: "", State: { Status: "", StartedAt: "", ExitCode: 0 } });
    expect(parseInspect(text, "x")).toMatchObject({
      id: "nginx",
      name: undefined,
      state: "unknown",
      startedAtSeconds: undefined,
      exitCode: undefined,
    });
  });

  it("an image given only as its sha256 id is no image name", () => {
    const text = JSON.stringify({
      Id: "d4",
      Image: "sha256:4dbc5f9c07028a985e14d1393e849ea07f68804c4293050d5a641b138db72daa",
      State: { Status: "created" },
    });
    expect(parseInspect(text, "x").image).toBeUndefined();
  });

  it("null Config and Health (as Docker writes them for none) are no image and no health, not errors", () => {
    expect(parseInspect('{"Id":"c3","Config":null,"State":{"Status":"running","Health":null}}', "q")).toMatchObject({
      id: "c3",
      image: undefined,
      state: "running",
      health: "none",
      healthFailingStreak: undefined,
    });
  });

  it("empty, garbage and wrong shapes are errors naming the request and the field", () => {
    expect(() => parseInspect("", "GET /containers/c3/json")).toThrow("GET /containers/c3/json: empty output, expected JSON");
    expect(() => parseInspect("Bad Gateway", "GET /containers/c3/json")).toThrow(/^GET \/containers\/c3\/json: not JSON/);
    expect(() => parseInspect('{"Id":"c3"}', "GET /containers/c3/json")).toThrow(
      "GET /containers/c3/json: unexpected shape: State: is required (expected object)",
    );
    expect(() => parseInspect('{"Id":"c3","State":{"ExitCode":"1"}}', "q")).toThrow(
      'q: unexpected shape: State.ExitCode: expected number, got the string "1"',
    );
    expect(() => parseInspect('{"Id":"c3","RestartCount":-1,"State":{}}', "q")).toThrow(
      "q: unexpected shape: RestartCount: expected an integer >= 0, got number -1",
    );
    expect(() => parseInspect('{"Id":"c3","State":{"ExitCode":1.5}}', "q")).toThrow(
      "q: unexpected shape: State.ExitCode: expected an integer, got number 1.5",
    );
    expect(() => parseInspect('{"Id":"c3","State":{"Health":{"FailingStreak":2}}}', "q")).toThrow(
      "q: unexpected shape: State.Health.Status: is required (expected string)",
    );
    expect(() => parseInspect('{"Id":"c3","State":{"OOMKilled":"false"}}', "q")).toThrow(
      'q: unexpected shape: State.OOMKilled: expected boolean, got the string "false"',
    );
    expect(() => parseInspect('{"Id":"c3","State":{"StartedAt":"yesterday"}}', "q")).toThrow(
      'q State.StartedAt: expected an RFC 3339 time, got "yesterday"',
    );
  });
});

describe("parseInspectArray (nerdctl container inspect --mode=dockercompat)", () => {
  it("reads nerdctl 2's Docker-compatible object: no slash on the name, no OOMKilled, empty FinishedAt", () => {
    expect(parseInspectArray(containerFixture("nerdctl-v2-inspect-running-runc-nym-localnet.json"), "nerdctl container inspect")).toEqual([
      {
        id: "22a611624245e35fee8a15126f23f2b226d8ea3800a213823605303f4988183b",
        name: "lab-nature-localnet-nyxdab",
        image: "docker.io/library/localnet-nyxd:v0.60.1",
        state: "running",
        health: "none",
        healthFailingStreak: undefined,
        restartCount: 0,
        startedAtSeconds: 1764868737.806, // 2025-12-04T17:18:57.806684779Z
        exitCode: undefined,
        oomKilled: undefined,
      },
    ]);
  });

  it("an object where an array belongs, or garbage, is an error naming the command", () => {
    expect(() =>
      parseInspectArray(containerFixture("engine-api-container-inspect-running-watchtower.json"), "nerdctl container inspect"),
    ).toThrow("nerdctl container inspect: unexpected shape: expected array, got an object");
    expect(() => parseInspectArray("time=... level=fatal msg=...", "nerdctl container inspect")).toThrow(
      /^nerdctl container inspect: not JSON/,
    );
    expect(() => parseInspectArray("[]", "x")).not.toThrow();
    expect(() => parseInspectArray('[{"Id":"a","State":{}},{"Id":"b"}]', "x")).toThrow(
      "x: unexpected shape: [1].State: is required (expected object)",
    );
  });
});
