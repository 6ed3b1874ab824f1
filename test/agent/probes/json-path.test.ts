import { describe, expect, it } from "vitest";
import { parseJsonPath, selectJsonPath } from "../../../agent/collectors/probes/json-path.ts";

describe("parseJsonPath", () => {
  it("reads dotted names, indexes and quoted names, with or without the leading $", () => {
    expect(parseJsonPath("$.last.timestamp")).toEqual(["last", "timestamp"]);
    expect(parseJsonPath("last.timestamp")).toEqual(["last", "timestamp"]);
    expect(parseJsonPath("predictions[0].created_at")).toEqual(["predictions", 0, "created_at"]);
    expect(parseJsonPath('$["last run"].at')).toEqual(["last run", "at"]);
    expect(parseJsonPath("$[2]")).toEqual([2]);
    expect(parseJsonPath("$")).toEqual([]);
  });

  it("refuses what this subset does not do (wildcards, filters, recursion) and broken paths", () => {
    for (const path of ["", "$..at", "$.a[*]", "$[?(@.at)]", "a b", "$.a[", "$.a.", "$.a[-1]"]) {
      expect(parseJsonPath(path), path).toBeUndefined();
    }
  });
});

describe("selectJsonPath", () => {
  const answer = { host: "a", predictions: [{ at: "2026-01-01T00:00:00Z" }], "last run": { at: 1767225600 } };

  it("finds the value at the path", () => {
    expect(selectJsonPath(answer, ["predictions", 0, "at"])).toEqual({ found: true, value: "2026-01-01T00:00:00Z" });
    expect(selectJsonPath(answer, ["last run", "at"])).toEqual({ found: true, value: 1767225600 });
    expect(selectJsonPath(1767225600, [])).toEqual({ found: true, value: 1767225600 });
  });

  it("says where the path stopped matching", () => {
    expect(selectJsonPath(answer, ["last", "at"])).toEqual({ found: false, reason: "$.last does not exist" });
    expect(selectJsonPath(answer, ["predictions", 3])).toEqual({
      found: false,
      reason: "$.predictions[3] does not exist (the array has 1 items)",
    });
    expect(selectJsonPath(answer, ["host", "at"])).toEqual({ found: false, reason: "$.host is a string, not an object" });
    expect(selectJsonPath(answer, ["host", 0])).toEqual({ found: false, reason: "$.host is a string, not an array" });
    expect(selectJsonPath(answer, ["last run", "at", "x"])).toEqual({
      found: false,
      reason: '$["last run"].at is a number, not an object',
    });
    expect(selectJsonPath(null, ["at"])).toEqual({ found: false, reason: "$ is null, not an object" });
  });

  it("does not take inherited properties for fields", () => {
    expect(selectJsonPath({}, ["constructor"])).toEqual({ found: false, reason: "$.constructor does not exist" });
  });
});
