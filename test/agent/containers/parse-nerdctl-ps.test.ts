import { describe, expect, it } from "vitest";
import { parseNerdctlPs } from "../../../agent/collectors/containers/parse-nerdctl-ps.ts";
import { containerFixture } from "./container-fixtures.ts";

describe("parseNerdctlPs (nerdctl ps -a --format '{{json .}}')", () => {
  it("reads ID, Names (one string) and Image of Finch's compose container", () => {
    expect(parseNerdctlPs(containerFixture("nerdctl-ps-json-1-running-compose-finch.jsonl"))).toEqual([
      { id: "250762bf59eb", name: "test-nginx_1-1", image: "docker.io/library/nginx:latest" },
    ]);
  });

  it("reads each line; a Kubernetes container's name is nerdctl's k8s:// form, an empty one is no name", () => {
    const text = [
      '{"ID":"9f1c2e3d4b5a","Names":"k8s://kube-system/coredns-5d78c9869d-x2x5q/coredns","Image":"registry.k8s.io/coredns/coredns:v1.10.1"}',
      "",
      '{"ID":"0a1b2c3d4e5f","Names":"","Image":""}',
      "",
    ].join("\n");
    expect(parseNerdctlPs(text)).toEqual([
      { id: "9f1c2e3d4b5a", name: "k8s://kube-system/coredns-5d78c9869d-x2x5q/coredns", image: "registry.k8s.io/coredns/coredns:v1.10.1" },
      { id: "0a1b2c3d4e5f", name: undefined, image: undefined },
    ]);
  });

  it("no output is no containers", () => {
    expect(parseNerdctlPs("")).toEqual([]);
    expect(parseNerdctlPs("\n")).toEqual([]);
  });

  it("garbage names the line; a table instead of JSON is refused, not read as zero containers", () => {
    const first = containerFixture("nerdctl-ps-json-1-running-compose-finch.jsonl");
    expect(() => parseNerdctlPs(`${first}not json\n`, "nerdctl --namespace default ps")).toThrow(
      /^nerdctl --namespace default ps line 2: not JSON/,
    );
    expect(() => parseNerdctlPs("CONTAINER ID    IMAGE    COMMAND    CREATED    STATUS    PORTS    NAMES\n")).toThrow(
      /^nerdctl ps line 1: not JSON/,
    );
    expect(() => parseNerdctlPs('{"Names":"web"}\n')).toThrow("nerdctl ps line 1: unexpected shape: ID: is required (expected string)");
  });
});
