import { readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createProbeIo } from "../../../agent/collectors/probes/exec.ts";
import { ProbeFailure } from "../../../agent/collectors/probes/probe-result.ts";
import { writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { hugeBody, useServers } from "./serve.ts";

const tempDir = useTempDirs();
const serve = useServers();
const never = new AbortController().signal;

describe("probe I/O", () => {
  it("keeps at most maxBodyBytes of an answer and hangs up on the rest, by itself", async () => {
    const big = hugeBody(64 * 1024 * 1024, "end");
    const server = await serve({ "/big": big.handler });
    const answer = await createProbeIo().http({ url: `${server.url}/big`, method: "GET", headers: {}, maxBodyBytes: 10_000 }, never);
    expect(answer.status).toBe(200);
    expect(answer.truncated).toBe(true);
    expect(answer.body.length).toBe(10_000);
    await expect.poll(() => big.closed(), { timeout: 5000 }).toBe(true);
    expect(big.written()).toBeLessThan(big.total / 4);
  });

  it("reads an answer of exactly maxBodyBytes whole, not truncated", async () => {
    const server = await serve({ "/": (_req, res) => void res.writeHead(200).end("0123456789") });
    const answer = await createProbeIo().http({ url: `${server.url}/`, method: "GET", headers: {}, maxBodyBytes: 10 }, never);
    expect({ body: answer.body.toString(), truncated: answer.truncated }).toEqual({ body: "0123456789", truncated: false });
  });

  it("reads a file's mtime, and names the file when it is missing", async () => {
    const dir = tempDir();
    const file = join(dir, "latest.json");
    writeFileSync(file, "{}");
    utimesSync(file, 1_767_225_600, 1_767_225_600);
    const io = createProbeIo();
    expect(await io.fileMtimeMs(file, never)).toBe(1_767_225_600_000);
    const err = await io.fileMtimeMs(join(dir, "gone.json"), never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeFailure);
    expect(err).toMatchObject({ status: "error", message: `${join(dir, "gone.json")}: no such file` });
  });

  it("runs a command with its arguments untouched by any shell", async () => {
    const bin = tempDir();
    // sh case patterns need their spaces escaped.
    const tool = writeFakeBin(bin, "last-prediction-time", [{ args: "--utc\\ *", stdout: "1767225600\n" }]);
    expect(await createProbeIo().command([tool, "--utc", "a b;$(id)"], 5000, never)).toBe("1767225600\n");
    expect(readFileSync(join(bin, "last-prediction-time.calls"), "utf8")).toBe("--utc a b;$(id)\n");
  });
});
