import { describe, expect, it } from "vitest";
import { ConfigError } from "../../shared/config/config-error.ts";
import { Secret } from "../../shared/config/secret.ts";
import { createLogger, type LoggerOptions, type LogLevel, silentLogger } from "../../shared/log/logger.ts";

const FIXED = new Date("2026-11-23T12:34:56.789Z");

/** A logger writing into an array; `records()` parses every line. */
function capture(opts: Partial<LoggerOptions> = {}) {
  const lines: string[] = [];
  const log = createLogger({ component: "test", level: "debug", write: (l) => lines.push(l), now: () => FIXED, ...opts });
  return {
    log,
    lines,
    records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    only: () => {
      expect(lines).toHaveLength(1);
      return JSON.parse(lines[0] as string) as Record<string, unknown>;
    },
  };
}

describe("JSON lines", () => {
  it("one JSON object per line, with time, level, component and msg first", () => {
    const { log, lines } = capture();
    log.info("batch stored", { samples: 12, host: "gpu-box-1" });
    expect(lines).toEqual([
      '{"time":"2026-11-23T12:34:56.789Z","level":"info","component":"test","msg":"batch stored","samples":12,"host":"gpu-box-1"}\n',
    ]);
  });

  it("every level writes its own name", () => {
    const { log, records } = capture();
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    expect(records().map((r) => [r.level, r.msg])).toEqual([
      ["debug", "d"],
      ["info", "i"],
      ["warn", "w"],
      ["error", "e"],
    ]);
  });

  it("a message with newlines and quotes stays on one line", () => {
    const { log, lines, only } = capture();
    log.warn('line one\nline "two"');
    expect(lines[0]?.split("\n")).toHaveLength(2); // the text, then the empty rest after the final newline
    expect(only().msg).toBe('line one\nline "two"');
  });

  it("uses the real clock when none is given", () => {
    const lines: string[] = [];
    const log = createLogger({ component: "c", write: (l) => lines.push(l) });
    const before = Date.now();
    log.info("now");
    const time = Date.parse(JSON.parse(lines[0] as string).time);
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Date.now() + 1);
  });

  it("fields cannot rewrite time, level or msg", () => {
    const { log, only } = capture();
    log.info("real message", { time: 0, level: "error", msg: "fake message", percent: 3 });
    expect(only()).toMatchObject({ time: FIXED.toISOString(), level: "info", msg: "real message", percent: 3 });
  });

  it("a field that cannot be serialised (a cycle) does not throw, and the line still says what happened", () => {
    const { log, only } = capture();
    const cyclic: Record<string, unknown> = { name: "loop" };
    cyclic.self = cyclic;
    expect(() => log.error("request failed", { req: cyclic })).not.toThrow();
    const record = only();
    expect(record).toMatchObject({ level: "error", component: "test", msg: "request failed" });
    expect(record.logError).toMatch(/not serialisable/);
  });

  it("bigints are written as strings", () => {
    const { log, only } = capture();
    log.info("big", { bytes: 2n ** 64n });
    expect(only().bytes).toBe("18446744073709551616");
  });
});

describe("level filtering", () => {
  const cases: Array<[LogLevel | undefined, string[]]> = [
    ["debug", ["debug", "info", "warn", "error"]],
    [undefined, ["info", "warn", "error"]],
    ["info", ["info", "warn", "error"]],
    ["warn", ["warn", "error"]],
    ["error", ["error"]],
  ];
  it.each(cases)("at level %s writes %j", (level, expected) => {
    const { log, records } = capture({ level });
    log.debug("debug");
    log.info("info");
    log.warn("warn");
    log.error("error");
    expect(records().map((r) => r.level)).toEqual(expected);
  });

  it("a child keeps its parent's level", () => {
    const { log, records } = capture({ level: "warn" });
    const child = log.child({ part: "ingest" });
    child.info("dropped");
    child.warn("kept");
    expect(records().map((r) => r.msg)).toEqual(["kept"]);
  });

  it("a filtered call does not even read the clock", () => {
    let reads = 0;
    const log = createLogger({
      component: "c",
      level: "error",
      write: () => {},
      now: () => {
        reads++;
        return FIXED;
      },
    });
    log.debug("x");
    log.info("x");
    log.warn("x");
    expect(reads).toBe(0);
    log.error("x");
    expect(reads).toBe(1);
  });

  it("the silent logger accepts every call", () => {
    expect(() => {
      silentLogger.error("nothing", { token: "x" });
      silentLogger.child({ a: 1 }).debug("nothing");
    }).not.toThrow();
  });
});

describe("child loggers", () => {
  it("merge their fields into every line, per call fields last", () => {
    const { log, records } = capture();
    const a = log.child({ agentId: "box-1", attempt: 1 });
    const b = a.child({ attempt: 2, requestId: "r-1" });
    b.info("sent", { attempt: 3, bytes: 10 });
    b.info("sent again");
    a.info("from a");
    log.info("from root");
    expect(records()).toEqual([
      {
        time: FIXED.toISOString(),
        level: "info",
        component: "test",
        msg: "sent",
        agentId: "box-1",
        attempt: 3,
        requestId: "r-1",
        bytes: 10,
      },
      { time: FIXED.toISOString(), level: "info", component: "test", msg: "sent again", agentId: "box-1", attempt: 2, requestId: "r-1" },
      { time: FIXED.toISOString(), level: "info", component: "test", msg: "from a", agentId: "box-1", attempt: 1 },
      { time: FIXED.toISOString(), level: "info", component: "test", msg: "from root" },
    ]);
  });

  it("do not change the parent or their siblings", () => {
    const { log, records } = capture();
    const bound = { host: "a" };
    const child = log.child(bound);
    bound.host = "mutated later";
    log.child({ host: "b" }).info("b");
    child.info("a");
    expect(records().map((r) => r.host)).toEqual(["b", "a"]);
  });
});

describe("redaction", () => {
  it("a Secret anywhere in the fields prints [redacted]", () => {
    const { log, lines, only } = capture();
    const s = new Secret("hunter2", "env:VIGIL_TOKEN");
    log.child({ bound: s }).info("x", { plain: s, nested: { deeper: { value: s } }, list: [s, "ok"] });
    expect(lines[0]).not.toContain("hunter2");
    expect(only()).toMatchObject({
      bound: "[redacted]",
      plain: "[redacted]",
      nested: { deeper: { value: "[redacted]" } },
      list: ["[redacted]", "ok"],
    });
  });

  it.each([
    "token",
    "Authorization",
    "authorization",
    "password",
    "passwd",
    "apiKey",
    "api_key",
    "api-key",
    "API_KEY",
    "secret",
    "cookie",
    "signature",
    "credentials",
  ])("the key %j is redacted even for a plain string", (key) => {
    const { log, lines, only } = capture();
    log.info("x", { [key]: "hunter2" });
    expect(lines[0]).not.toContain("hunter2");
    expect(only()[key]).toBe("[redacted]");
  });

  it("secret-like keys are redacted when nested, in arrays, and in bound fields", () => {
    const { log, lines, only } = capture();
    log.child({ auth: { password: "p4ss" } }).warn("x", {
      request: { headers: { Authorization: "Bearer abc", "x-api-key": "k3y", accept: "json" } },
      hosts: [{ name: "a", token: "t0k" }],
    });
    for (const leaked of ["p4ss", "Bearer abc", "k3y", "t0k"]) expect(lines[0]).not.toContain(leaked);
    expect(only()).toMatchObject({
      auth: { password: "[redacted]" },
      request: { headers: { Authorization: "[redacted]", "x-api-key": "[redacted]", accept: "json" } },
      hosts: [{ name: "a", token: "[redacted]" }],
    });
  });

  it("a secret-like key hides a whole object or list, not only strings", () => {
    const { log, only } = capture();
    log.info("x", { credentials: { user: "u", pass: "p" }, tokens: ["a", "b"], apiKey: 12345 });
    expect(only()).toMatchObject({ credentials: "[redacted]", tokens: "[redacted]", apiKey: 12345 });
  });

  // The key pattern is a substring match, so strings and objects under keys that merely contain a
  // secret word are redacted too. Numbers (LLM token counts), booleans and null are kept.
  it("keys that merely contain a secret word: strings and objects redacted, numbers and flags kept", () => {
    const { log, only } = capture();
    log.info("x", {
      tokenCount: 3,
      promptTokens: 812,
      passwordResetAt: "2026-01-01",
      cookieJar: { size: 2 },
      signatureAlgorithm: "hmac-sha256",
      hasToken: false,
      tokenValid: true,
      apiKeyId: null,
    });
    expect(only()).toMatchObject({
      tokenCount: 3,
      promptTokens: 812,
      passwordResetAt: "[redacted]",
      cookieJar: "[redacted]",
      signatureAlgorithm: "[redacted]",
      hasToken: false,
      tokenValid: true,
      apiKeyId: null,
    });
  });

  it("keys without a secret word are left alone", () => {
    const { log, only } = capture();
    log.info("x", { host: "box", pushIntervalMs: 10_000, session: "s-1", key: "disk", user: "alice", tok: "t" });
    expect(only()).toMatchObject({ host: "box", pushIntervalMs: 10_000, session: "s-1", key: "disk", user: "alice", tok: "t" });
  });

  it("the message itself is not redacted (callers must not put secrets in it)", () => {
    const { log, only } = capture();
    log.info("token rotated");
    expect(only().msg).toBe("token rotated");
  });
});

describe("errors", () => {
  it("serialise with name, message and code", () => {
    const { log, only } = capture();
    const err = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9470"), { code: "ECONNREFUSED" });
    log.error("push failed", { err });
    expect(only().err).toEqual({ name: "Error", message: "connect ECONNREFUSED 127.0.0.1:9470", code: "ECONNREFUSED" });
  });

  it("without a code, no code key", () => {
    const { log, only } = capture();
    log.error("x", { err: new TypeError("bad") });
    expect(only().err).toEqual({ name: "TypeError", message: "bad" });
  });

  it("a numeric code is kept as a number", () => {
    const { log, only } = capture();
    log.error("x", { err: Object.assign(new Error("exit"), { code: 2 }) });
    expect(only().err).toEqual({ name: "Error", message: "exit", code: 2 });
  });

  it("the cause chain is followed", () => {
    const { log, only } = capture();
    const root = Object.assign(new Error("socket hang up"), { code: "ECONNRESET" });
    log.error("x", { err: new Error("push failed", { cause: root }) });
    expect(only().err).toEqual({
      name: "Error",
      message: "push failed",
      cause: { name: "Error", message: "socket hang up", code: "ECONNRESET" },
    });
  });

  it("subclasses keep their name; the stack is not written", () => {
    const { log, lines, only } = capture();
    log.error("config", { err: new ConfigError("/etc/vigil/agent.yaml", [{ path: "log.level", message: "bad" }]) });
    expect(only().err).toEqual({ name: "ConfigError", message: "/etc/vigil/agent.yaml: log.level: bad" });
    expect(lines[0]).not.toContain("    at ");
  });

  it("errors inside arrays and objects are serialised too", () => {
    const { log, only } = capture();
    log.warn("x", { failures: [new RangeError("r")], detail: { last: new Error("l") } });
    expect(only()).toMatchObject({ failures: [{ name: "RangeError", message: "r" }], detail: { last: { name: "Error", message: "l" } } });
  });
});
