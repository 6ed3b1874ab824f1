import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tokenAtStart } from "../../agent/auth/agent-token.ts";
import { EnrollmentRefusedError, enroll } from "../../agent/auth/enroll.ts";
import { readTokenFile, writeTokenFile } from "../../agent/auth/token-file.ts";
import { ConfigError } from "../../shared/config/config-error.ts";
import { Secret } from "../../shared/config/secret.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const ENROLLMENT = "enroll-secret-e7c1a9";
const ISSUED = "vgl_agent_4f0c2e8b7d1a6c3e9b5f";

type Answer = { status: number; body?: unknown; headers?: Record<string, string> };

/** A hub's enrollment endpoint on 127.0.0.1 answering the programmed answers in turn, recording each request. */
async function enrollHub(answers: Answer[]) {
  const requests: Array<{ method: string; url: string; authorization: string | undefined; body: unknown }> = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        url: req.url ?? "",
        authorization: req.headers.authorization,
        body: JSON.parse(Buffer.concat(chunks).toString() || "null"),
      });
      const a = answers.shift() ?? { status: 500 };
      res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
      res.end(JSON.stringify(a.body ?? {}));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function options(url: string, lines: string[]) {
  return {
    hubUrl: url,
    enrollmentToken: new Secret(ENROLLMENT, "inline"),
    agentId: "gpu-box",
    hostname: "gpu-box.lan",
    timeoutMs: 2000,
    backoff: { initialMs: 20, maxMs: 100 },
    logger: createLogger({ component: "agent", write: (l) => lines.push(l) }),
  };
}

describe("enrollment", () => {
  it("asks the hub with the enrollment token and gets the agent's token, retrying 503 and honouring Retry-After", async () => {
    const hub = await enrollHub([
      { status: 503, headers: { "retry-after": "1" } },
      { status: 201, body: { agentId: "gpu-box", token: ISSUED } },
    ]);
    const lines: string[] = [];
    const started = Date.now();
    const token = await enroll(options(hub.url, lines));
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(token.reveal()).toBe(ISSUED);
    expect(hub.requests).toHaveLength(2);
    expect(hub.requests[0]).toEqual({
      method: "POST",
      url: "/api/v1/enroll",
      authorization: `Bearer ${ENROLLMENT}`,
      body: { agentId: "gpu-box", hostname: "gpu-box.lan" },
    });
    expect(lines.filter((l) => l.includes("enrollment with the hub failed"))).toHaveLength(1);
    expect(lines.join("\n")).not.toContain(ENROLLMENT);
    expect(lines.join("\n")).not.toContain(ISSUED);
    await hub.close();
  });

  it("keeps trying while the hub cannot be reached, logging the reason once", async () => {
    const probe = await enrollHub([]);
    const url = probe.url;
    await probe.close(); // nothing listens there now
    const lines: string[] = [];
    const controller = new AbortController();
    const attempt = enroll({ ...options(url, lines), signal: controller.signal });
    await new Promise((r) => setTimeout(r, 400));
    controller.abort(new Error("stopping"));
    await expect(attempt).rejects.toThrow("stopping");
    expect(lines.filter((l) => l.includes("enrollment with the hub failed"))).toHaveLength(1);
    expect(lines[0]).toContain("ECONNREFUSED");
  });

  it("stops on 401 and points at hub.enrollmentToken", async () => {
    const hub = await enrollHub([
      { status: 401, body: { error: { code: "ENROLLMENT_TOKEN_INVALID", message: "not an enrollment token this hub accepts" } } },
    ]);
    const err = await enroll(options(hub.url, [])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EnrollmentRefusedError);
    expect(err).toMatchObject({ status: 401, configPath: "hub.enrollmentToken" });
    expect((err as Error).message).toContain("401 ENROLLMENT_TOKEN_INVALID");
    expect(hub.requests).toHaveLength(1);
    await hub.close();
  });

  it("stops on 409 and says to use the token the hub already issued", async () => {
    const hub = await enrollHub([
      { status: 409, body: { error: { code: "AGENT_ALREADY_ENROLLED", message: "gpu-box already holds a token" } } },
    ]);
    const err = await enroll(options(hub.url, [])).catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 409, configPath: "agent.id" });
    expect((err as Error).message).toMatch(/AGENT_ALREADY_ENROLLED.*hub\.token/);
    await hub.close();
  });

  it("refuses an answer that carries no token for this agent", async () => {
    const hub = await enrollHub([{ status: 201, body: { agentId: "another-box", token: ISSUED } }]);
    await expect(enroll(options(hub.url, []))).rejects.toBeInstanceOf(EnrollmentRefusedError);
    await hub.close();
  });
});

describe("the token file", () => {
  it("is created 0600 whatever the umask, through a temporary file renamed into place", () => {
    const dir = tempDir();
    const file = join(dir, "agent.token");
    const old = process.umask(0o000);
    try {
      writeTokenFile(file, new Secret(ISSUED, "enrollment"));
    } finally {
      process.umask(old);
    }
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe(`${ISSUED}\n`);
    expect(readdirSync(dir)).toEqual(["agent.token"]);
    expect(readTokenFile(file)).toMatchObject({ looseMode: false });
    expect(readTokenFile(file)?.token.reveal()).toBe(ISSUED);
    // Written again (a new enrollment), it is replaced whole.
    writeTokenFile(file, new Secret(`${ISSUED}-2`, "enrollment"));
    expect(readFileSync(file, "utf8")).toBe(`${ISSUED}-2\n`);
  });

  it("config wins over the file; the file is used when the config has none; a loose file is reported", () => {
    const dir = tempDir();
    const file = join(dir, "agent.token");
    const lines: string[] = [];
    const logger = createLogger({ component: "agent", write: (l) => lines.push(l) });
    expect(tokenAtStart({ configured: undefined, tokenFile: file, logger })).toBeUndefined();
    writeFileSync(file, `${ISSUED}\n`);
    chmodSync(file, 0o644);
    expect(tokenAtStart({ configured: new Secret("from-config-token", "inline"), tokenFile: file, logger })?.reveal()).toBe(
      "from-config-token",
    );
    expect(lines).toEqual([]);
    const fromFile = tokenAtStart({ configured: undefined, tokenFile: file, logger });
    expect(fromFile?.reveal()).toBe(ISSUED);
    expect(fromFile?.source).toBe(`file:${file}`);
    expect(lines.filter((l) => l.includes("chmod 600"))).toHaveLength(1);
    expect(lines.join("")).not.toContain(ISSUED);
  });

  it("an empty or unreadable file is a config error naming the file", () => {
    const dir = tempDir();
    const empty = join(dir, "agent.token");
    writeFileSync(empty, "\n");
    expect(() => readTokenFile(empty)).toThrow(ConfigError);
    expect(() => readTokenFile(empty)).toThrow(`${empty}: the agent token file is empty; remove it to enroll again`);
    const folder = join(dir, "not-a-file");
    mkdirSync(folder);
    expect(() => readTokenFile(folder)).toThrow(/not-a-file: cannot read the agent token \(EISDIR\)/);
    expect(existsSync(join(dir, "agent.token"))).toBe(true);
  });
});
