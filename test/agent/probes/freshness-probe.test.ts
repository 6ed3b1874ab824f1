import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { collectOnce, loadProbes, outcomeOf, sampleValue } from "./harness.ts";
import { hugeBody, json, refusedPort, useServers } from "./serve.ts";

const tempDir = useTempDirs();
const serve = useServers();
afterEach(() => {
  vi.unstubAllEnvs();
});

/** 2026-01-01T00:10:00Z: "now" for the HTTP and command sources, whose timestamps are fixed text. */
const NOW_MS = 1_767_226_200_000;
const now = () => NOW_MS;

/** A file whose mtime is `ageSeconds` before the real now. */
function fileAged(dir: string, ageSeconds: number): string {
  const file = join(dir, "latest.json");
  writeFileSync(file, '{"prediction": 0.42}');
  const mtime = (Date.now() - ageSeconds * 1000) / 1000;
  utimesSync(file, mtime, mtime);
  return file;
}

describe("freshness probe: file", () => {
  it("passes a file modified within maxAge, reporting its age, timestamp and the maximum", async () => {
    const dir = tempDir();
    const file = fileAged(dir, 60);
    const probes = loadProbes(dir, [{ name: "predictions-file", kind: "freshness", source: { file }, maxAge: "10m" }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "predictions-file")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "predictions-file" })).toBeCloseTo(60, 0);
    expect(sampleValue(obs, "vigil_freshness_max_age_seconds", { probe: "predictions-file" })).toBe(600);
    expect(sampleValue(obs, "vigil_freshness_timestamp_seconds", { probe: "predictions-file" })).toBeCloseTo(Date.now() / 1000 - 60, -1);
  });

  it("fails a file older than maxAge as stale, still reporting its age", async () => {
    const dir = tempDir();
    const probes = loadProbes(dir, [{ name: "predictions-file", kind: "freshness", source: { file: fileAged(dir, 3600) }, maxAge: "10m" }]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "predictions-file")).toEqual({ up: 0, status: "stale", message: "3600 s old, over maxAge 600 s" });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "predictions-file" })).toBeCloseTo(3600, 0);
  });

  it("fails a missing file with an error naming it, and no age (never 0)", async () => {
    const dir = tempDir();
    const probes = loadProbes(dir, [
      { name: "predictions-file", kind: "freshness", source: { file: join(dir, "nope.json") }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes });
    expect(outcomeOf(obs, "predictions-file")).toMatchObject({ up: 0, status: "error" });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "predictions-file" })).toBeUndefined();
    expect(sampleValue(obs, "vigil_freshness_max_age_seconds", { probe: "predictions-file" })).toBe(600);
  });
});

describe("freshness probe: HTTP JSON", () => {
  it("reads an ISO timestamp at the JSON path", async () => {
    const server = await serve({ "/api/predictions/latest": json('{"host":"a","created_at":"2026-01-01T00:05:00Z"}') });
    const probes = loadProbes(tempDir(), [
      {
        name: "host-a-predictions",
        kind: "freshness",
        source: { http: `${server.url}/api/predictions/latest`, jsonPath: "$.created_at" },
        maxAge: "10m",
      },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "host-a-predictions")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "host-a-predictions" })).toBe(300);
    expect(sampleValue(obs, "vigil_freshness_timestamp_seconds", { probe: "host-a-predictions" })).toBe(1_767_225_900);
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "host-a-predictions" })).toBe(200);
  });

  it("reads epoch milliseconds and epoch seconds inside arrays, and marks 11 minutes stale", async () => {
    const server = await serve({
      "/ms": json('{"predictions":[{"at":1767225900000}]}'),
      "/s": json('{"predictions":[{"at":"1767225540"}]}'),
    });
    const probes = loadProbes(tempDir(), [
      { name: "ms", kind: "freshness", source: { http: `${server.url}/ms`, jsonPath: "predictions[0].at" }, maxAge: "10m" },
      { name: "s", kind: "freshness", source: { http: `${server.url}/s`, jsonPath: "predictions[0].at" }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "ms" })).toBe(300);
    expect(outcomeOf(obs, "s")).toEqual({ up: 0, status: "stale", message: "660 s old, over maxAge 600 s" });
  });

  it("fails with invalid_response naming the JSON path: garbage timestamp, missing field, not JSON", async () => {
    const server = await serve({
      "/garbage": json('{"created_at":"soon"}'),
      "/missing": json('{"last":{}}'),
      "/html": (_req, res) => void res.writeHead(200, { "content-type": "text/html" }).end("<html>maintenance</html>"),
    });
    const probes = loadProbes(tempDir(), [
      { name: "garbage", kind: "freshness", source: { http: `${server.url}/garbage`, jsonPath: "$.created_at" }, maxAge: "10m" },
      { name: "missing", kind: "freshness", source: { http: `${server.url}/missing`, jsonPath: "$.last.at" }, maxAge: "10m" },
      { name: "html", kind: "freshness", source: { http: `${server.url}/html`, jsonPath: "$.at" }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "garbage")).toEqual({
      up: 0,
      status: "invalid_response",
      message: '$.created_at: not a timestamp: the string "soon" (expected epoc…',
    });
    expect(outcomeOf(obs, "missing")).toEqual({ up: 0, status: "invalid_response", message: "$.last.at: $.last.at does not exist" });
    expect(outcomeOf(obs, "html")).toMatchObject({ up: 0, status: "invalid_response" });
    expect(outcomeOf(obs, "html").message).toMatch(/^the answer is not JSON \(Unexpected token/);
    for (const probe of ["garbage", "missing", "html"]) expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe })).toBeUndefined();
  });

  it("fails a wrong status, a refused port and an oversized answer, each with its class", async () => {
    const big = hugeBody(8 * 1024 * 1024, "}");
    const server = await serve({ "/down": json('{"error":"db"}', 500), "/big": big.handler });
    const port = await refusedPort();
    const probes = loadProbes(tempDir(), [
      { name: "down", kind: "freshness", source: { http: `${server.url}/down`, jsonPath: "$.at" }, maxAge: "10m" },
      { name: "refused", kind: "freshness", source: { http: `http://127.0.0.1:${port}/`, jsonPath: "$.at" }, maxAge: "10m" },
      { name: "big", kind: "freshness", source: { http: `${server.url}/big`, jsonPath: "$.at" }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "down")).toEqual({ up: 0, status: "bad_status", message: "/down: HTTP 500, expected 2xx" });
    expect(sampleValue(obs, "vigil_probe_http_status_code", { probe: "down" })).toBe(500);
    expect(outcomeOf(obs, "refused")).toEqual({ up: 0, status: "refused", message: `connect ECONNREFUSED 127.0.0.1:${port}` });
    expect(outcomeOf(obs, "big")).toEqual({ up: 0, status: "body_too_large", message: "/big: the answer is larger than 1048576 bytes" });
  });
});

describe("freshness probe: command", () => {
  it("runs a command found on PATH and reads the timestamp it prints", async () => {
    const bin = tempDir();
    writeFakeBin(bin, "last-prediction-time", [{ args: "--utc", stdout: "2026-01-01T00:08:00Z\n" }]);
    vi.stubEnv("PATH", `${bin}:${process.env.PATH ?? ""}`);
    const probes = loadProbes(tempDir(), [
      { name: "predictions-newest", kind: "freshness", source: { command: ["last-prediction-time", "--utc"] }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "predictions-newest")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(obs, "vigil_freshness_age_seconds", { probe: "predictions-newest" })).toBe(120);
    expect(readFileSync(join(bin, "last-prediction-time.calls"), "utf8")).toBe("--utc\n");
  });

  it("runs a command given by path, epoch seconds on stdout", async () => {
    const tool = writeFakeBin(tempDir(), "fallback-last-run", [{ stdout: "1767225000" }]);
    const probes = loadProbes(tempDir(), [{ name: "fallback", kind: "freshness", source: { command: [tool] }, maxAge: "10m" }]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "fallback")).toEqual({ up: 0, status: "stale", message: "1200 s old, over maxAge 600 s" });
  });

  it("fails garbage output naming the command, and the next cycle reads the fixed output", async () => {
    const bin = tempDir();
    const tool = writeFakeBin(bin, "last-run", [{ stdout: "yesterday-ish\n" }]);
    const probes = loadProbes(tempDir(), [{ name: "cmd", kind: "freshness", source: { command: [tool, "--db", "main"] }, maxAge: "10m" }]);
    const first = await collectOnce({ probes, now });
    expect(outcomeOf(first, "cmd")).toMatchObject({ up: 0, status: "invalid_response" });
    expect(outcomeOf(first, "cmd").message).toBe('last-run --db main: not a timestamp: the string "yesterday-ish"…');
    writeFakeBin(bin, "last-run", [{ stdout: "1767226000\n" }]);
    const second = await collectOnce({ probes, now });
    expect(outcomeOf(second, "cmd")).toEqual({ up: 1, status: "ok", message: "ok" });
  });

  it("fails on several lines, on no output, and on a failing exit", async () => {
    const bin = tempDir();
    writeFakeBin(bin, "multi", [{ stdout: "1767226000\n1767226100\n" }]);
    writeFakeBin(bin, "silent", [{ stdout: "\n" }]);
    writeFakeBin(bin, "broken", [{ stderr: "database is locked", exitCode: 3 }]);
    const probes = loadProbes(tempDir(), [
      { name: "multi", kind: "freshness", source: { command: [join(bin, "multi")] }, maxAge: "10m" },
      { name: "silent", kind: "freshness", source: { command: [join(bin, "silent")] }, maxAge: "10m" },
      { name: "broken", kind: "freshness", source: { command: [join(bin, "broken")] }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "multi")).toMatchObject({ up: 0, status: "invalid_response" });
    expect(outcomeOf(obs, "multi").message).toBe("multi: printed 2 lines; expected one timestamp");
    expect(outcomeOf(obs, "silent")).toEqual({
      up: 0,
      status: "invalid_response",
      message: "silent: printed nothing; expected one timestamp",
    });
    expect(outcomeOf(obs, "broken")).toEqual({ up: 0, status: "error", message: "broken: exited with 3: database is locked" });
  });

  it("says a missing program is not found", async () => {
    const probes = loadProbes(tempDir(), [
      { name: "gone", kind: "freshness", source: { command: ["vigil-no-such-program-xyz", "--x"] }, maxAge: "10m" },
    ]);
    const obs = await collectOnce({ probes, now });
    expect(outcomeOf(obs, "gone")).toEqual({
      up: 0,
      status: "error",
      message: "vigil-no-such-program-xyz: not found (is it installed and on PA…",
    });
  });

  it("kills a hung command at the probe's timeout, and the next cycle works", async () => {
    const bin = tempDir();
    const tool = writeFakeBin(bin, "slow-query", [{ sleepSeconds: 30 }]);
    const probes = loadProbes(tempDir(), [
      { name: "slow", kind: "freshness", source: { command: [tool] }, maxAge: "10m", timeout: "300ms" },
    ]);
    const started = performance.now();
    const first = await collectOnce({ probes, now });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(outcomeOf(first, "slow")).toEqual({ up: 0, status: "timeout", message: "no answer within 300 ms" });
    writeFakeBin(bin, "slow-query", [{ stdout: "1767226100" }]);
    const second = await collectOnce({ probes, now });
    expect(outcomeOf(second, "slow")).toEqual({ up: 1, status: "ok", message: "ok" });
    expect(sampleValue(second, "vigil_freshness_age_seconds", { probe: "slow" })).toBe(100);
  });
});
