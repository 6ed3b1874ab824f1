import { describe, expect, it } from "vitest";
import { ContainersParseError } from "../../../agent/collectors/containers/json-input.ts";
import { parseEngineList } from "../../../agent/collectors/containers/parse-engine-list.ts";
import { containerFixture } from "./container-fixtures.ts";

describe("parseEngineList (GET /containers/json?all=1)", () => {
  it("reads id, name without the slash and image of each of the 4 watchtower entries", () => {
    const listed = parseEngineList(containerFixture("engine-api-containers-json-4-containers-exited-running-restarting-watchtower.json"));
    expect(listed).toEqual([
      {
        id: "ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b65",
        name: "watchtower-stopped",
        image: "containrrr/watchtower:latest",
      },
      {
        id: "3d88e0e3543281c747d88b27e246578b65ae8964ba86c7cd7522cf84e0978134",
        name: "watchtower-running",
        image: "containrrr/watchtower:latest",
      },
      { id: "b978af0b858aa8855cce46b628817d4ed58e58f2c4f66c9b9c5449134ed4c008", name: "portainer", image: "portainer/portainer:latest" },
      { id: "ae8964ba86c7cd7522cf84e09781343d88e0e3543281c747d88b27e246578b67", name: "portainer", image: "portainer/portainer:latest" },
    ]);
  });

  it("reads API 1.22's list, which has no State field", () => {
    expect(parseEngineList(containerFixture("engine-api-v1.22-containers-json-1-container-up-less-than-a-second.json"))).toEqual([
      { id: "095351afe7b4995dfb3e965f9cfd3a07b1fe69198c50085a2cb7c2b5a5c9b62f", name: "drunk_golick", image: "busybox" },
    ]);
  });

  it("reads Docker's documented example (short ids, capitalised State it does not need)", () => {
    const listed = parseEngineList(containerFixture("docs-example-v1.41-containers-json-from-swagger.json"));
    expect(listed.map((c) => [c.id, c.name, c.image])).toEqual([
      ["8dfafdbc3a40", "boring_feynman", "ubuntu:latest"],
      ["9cd87474be90", "coolName", "ubuntu:latest"],
      ["3176a2479c92", "sleepy_dog", "ubuntu:latest"],
      ["4cb07b47f9fb", "running_cat", "ubuntu:latest"],
    ]);
  });

  it("prefers the container's own name over a link alias, and copes with no names at all", () => {
    const text = JSON.stringify([
      { Id: "a1", Names: ["/web/db", "/db"], Image: "postgres:16" },
      { Id: "b2", Names: null, Image: "" },
    ]);
    expect(parseEngineList(text)).toEqual([
      { id: "a1", name: "db", image: "postgres:16" },
      { id: "b2", name: undefined, image: undefined },
    ]);
  });

  it("an empty list is no containers", () => {
    expect(parseEngineList("[]\n")).toEqual([]);
  });

  it("an empty body is an error naming the request", () => {
    expect(() => parseEngineList("", "GET /containers/json?all=1")).toThrow(
      new ContainersParseError("GET /containers/json?all=1", "empty output, expected JSON"),
    );
  });

  it("garbage and wrong shapes are errors that say what was wrong", () => {
    expect(() => parseEngineList("<html>502 Bad Gateway</html>")).toThrow(/^GET \/containers\/json: not JSON .*it starts with "<html>502/);
    expect(() => parseEngineList('{"message":"page not found"}')).toThrow(
      "GET /containers/json: unexpected shape: expected array, got an object",
    );
    expect(() => parseEngineList('[{"Id":"a1"},{"Id":7}]')).toThrow("unexpected shape: [1].Id: expected string, got number 7");
    expect(() => parseEngineList('[{"Id":"a1"},{"Id":"a2"},{"Id":"a3","Names":"/web"}]', "GET /containers/json?all=1")).toThrow(
      'GET /containers/json?all=1: unexpected shape: [2].Names: expected an array of strings, got the string "/web"',
    );
    expect(() => parseEngineList('[{"Id":"a1","Names":["/web",3]}]')).toThrow("[0].Names: expected an array of strings, got an array of 2");
    expect(() => parseEngineList('[{"Id":""}]')).toThrow('[0].Id: expected a non-empty string, got the string ""');
    expect(() => parseEngineList("[null]")).toThrow("unexpected shape: [0]: expected object, got null");
  });
});
