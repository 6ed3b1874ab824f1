import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { agentConfigSchema } from "../../agent/config/schema.ts";
import { hubConfigSchema } from "../../hub/config/schema.ts";
import { ConfigError } from "../../shared/config/config-error.ts";
import { type EnvOverride, loadConfig } from "../../shared/config/load-config.ts";
import { parseDuration } from "../../shared/config/schema-helpers.ts";
import { Secret } from "../../shared/config/secret.ts";

const dir = mkdtempSync(join(tmpdir(), "vigil-config-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let fileCounter = 0;
/** Writes a config file into the temp dir and returns its path. */
function file(text: string, name = `config-${++fileCounter}.yaml`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

type Env = Record<string, string | undefined>;

function agent(path: string | undefined, opts: { env?: Env; envOverrides?: EnvOverride[]; fileRequired?: boolean } = {}) {
  return loadConfig({
    schema: agentConfigSchema,
    file: path,
    fileRequired: opts.fileRequired ?? path !== undefined,
    envOverrides: opts.envOverrides ?? [],
    env: opts.env ?? {},
  });
}

function hub(path: string | undefined, opts: { env?: Env; envOverrides?: EnvOverride[] } = {}) {
  return loadConfig({
    schema: hubConfigSchema,
    file: path,
    fileRequired: path !== undefined,
    envOverrides: opts.envOverrides ?? [],
    env: opts.env ?? {},
  });
}

/** Runs `load` and returns the ConfigError it must throw. */
function configError(load: () => unknown): ConfigError {
  try {
    load();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error("expected a ConfigError, but the config loaded");
}

/** The agent's config from a YAML text, or the error it raises. */
const agentYaml = (text: string, opts?: Parameters<typeof agent>[1]) => agent(file(text), opts).config;
const agentYamlError = (text: string, opts?: Parameters<typeof agent>[1]) => configError(() => agent(file(text), opts));

describe("defaults with no file at all", () => {
  it("agent: the documented defaults, exactly", () => {
    const { config, file: read } = agent(undefined);
    expect(read).toBeUndefined();
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9471 });
    expect(config.hub.url).toBe("http://127.0.0.1:9470");
    expect(config.hub.pushInterval).toBe(10_000);
    expect(config.hub.timeout).toBe(10_000);
    expect(config.hub.retryInitial).toBe(1_000);
    expect(config.hub.retryMax).toBe(60_000);
    expect(config.hub.token).toBeUndefined();
    expect(config.dataDir).toBe("./data");
    expect(config.agent).toEqual({ labels: {} });
    expect(config.collectors.system.enabled).toBe(true);
    expect(config.collectors.system.interval).toBe(10_000);
    expect(config.collectors.system.timeout).toBe(5_000);
    expect(config.collectors.system.excludeFsTypes).toContain("tmpfs");
    expect(config.collectors.system.excludeMountPrefixes).toContain("/proc");
    expect(config.log.level).toBe("info");
  });

  it("hub: the documented defaults of the core sections", () => {
    const { config } = hub(undefined);
    expect(config).toMatchObject({
      listen: { host: "127.0.0.1", port: 9470 },
      dataDir: "./data",
      auth: { agentTokens: [] },
      hosts: { downAfterMissedPushes: 3 },
      ingest: { maxBodyBytes: 8 * 1024 * 1024, maxDecompressedBytes: 64 * 1024 * 1024 },
      dedupWindow: 7 * 86_400_000,
      log: { level: "info" },
    });
  });

  it("every top-level section of both configs is named in docs/configuration.md", () => {
    const doc = readFileSync(join(import.meta.dirname, "../../docs/configuration.md"), "utf8");
    const undocumented = [...Object.keys(hubConfigSchema.shape), ...Object.keys(agentConfigSchema.shape)].filter(
      (key) => !new RegExp(`(^|\\n)${key}:|\`${key}\``).test(doc),
    );
    expect(undocumented).toEqual([]);
  });

  it("an empty file and a comments-only file give the defaults too", () => {
    expect(agentYaml("")).toEqual(agent(undefined).config);
    expect(agentYaml("# nothing here yet\n")).toEqual(agent(undefined).config);
  });

  it("a value in the file replaces only that default", () => {
    const config = agentYaml("hub:\n  url: https://hub.lan:9470\n");
    expect(config.hub.url).toBe("https://hub.lan:9470");
    expect(config.hub.pushInterval).toBe(10_000);
    expect(config.listen).toEqual({ host: "127.0.0.1", port: 9471 });
  });
});

describe("reading the file", () => {
  it("a missing file that was named explicitly is an error naming the path", () => {
    const path = join(dir, "does-not-exist.yaml");
    const err = configError(() => agent(path, { fileRequired: true }));
    expect(err.message).toContain(path);
    expect(err.message).toContain("file not found");
    expect(err.source).toBe(path);
  });

  it("a missing file that was not required gives the defaults", () => {
    const loaded = agent(join(dir, "also-missing.yaml"), { fileRequired: false });
    expect(loaded.file).toBeUndefined();
    expect(loaded.config).toEqual(agent(undefined).config);
  });

  it("a directory where the file should be is an error, required or not", () => {
    const sub = join(dir, "a-directory.yaml");
    mkdirSync(sub);
    const err = configError(() => agent(sub, { fileRequired: false }));
    expect(err.message).toContain(sub);
    expect(err.message).toContain("cannot read the config file");
  });

  it("the file actually read is reported", () => {
    const path = file("log:\n  level: debug\n");
    expect(agent(path).file).toBe(path);
  });

  it("bad YAML names the file and the line", () => {
    const path = file("log:\n  level: info\nhub:\n  url: [unclosed\n  token: x\n");
    const err = configError(() => agent(path));
    expect(err.message).toContain(path);
    expect(err.message).toMatch(/invalid YAML at line \d+, column \d+/);
    expect(err.issues.length).toBeGreaterThan(0);
  });

  it("bad YAML: the line number is the offending line", () => {
    const path = file("log:\n  level: info\n\thub: 1\n");
    const err = configError(() => agent(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain("line 3");
  });

  it("duplicate keys are an error, not last-one-wins", () => {
    const path = file("log:\n  level: info\nlog:\n  level: debug\n");
    const err = configError(() => agent(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain("line 3");
    expect(err.message).toMatch(/unique/i);
  });

  it("duplicate nested keys too", () => {
    const err = agentYamlError("hub:\n  pushInterval: 5s\n  pushInterval: 10s\n");
    expect(err.message).toMatch(/unique/i);
  });

  it.each([
    ["a YAML list", "- a\n- b\n"],
    ["a scalar", "just a string\n"],
    ["a number", "42\n"],
  ])("the top level must be a mapping, not %s", (_what, text) => {
    const path = file(text);
    const err = configError(() => agent(path));
    expect(err.message).toContain(path);
    expect(err.message).toContain("the top level must be a mapping");
  });
});

describe("validation errors name the path", () => {
  it("a wrong type: hub.pushInterval: true", () => {
    const path = file("hub: {pushInterval: true}\n");
    const err = configError(() => agent(path));
    expect(err.message).toContain(path);
    expect(err.issues.map((i) => i.path)).toEqual(["hub.pushInterval"]);
    expect(err.message).toContain("hub.pushInterval: ");
    expect(err.message).toContain("true");
  });

  it("a section that is not a mapping", () => {
    const err = agentYamlError("hub: 5\n");
    expect(err.issues).toEqual([{ path: "hub", message: expect.stringMatching(/expected object, got number 5/) }]);
  });

  it("an unknown key at the top level names the key", () => {
    const err = agentYamlError("hubb:\n  url: http://x\n");
    expect(err.issues).toEqual([{ path: "hubb", message: expect.stringContaining("not a known key") }]);
  });

  it("an unknown nested key names its full path", () => {
    const err = agentYamlError("collectors:\n  system:\n    intervall: 5s\n");
    expect(err.issues).toEqual([{ path: "collectors.system.intervall", message: expect.stringContaining("not a known key") }]);
    expect(err.message).toContain("collectors.system.intervall");
  });

  it("several problems are listed together", () => {
    const path = file(
      ["listen: host:99999", "hub:", "  pushInterval: fast", "  timeout: 1ms", "log:", "  level: loud", "colectors: {}"].join("\n"),
    );
    const err = configError(() => agent(path));
    expect(err.issues.map((i) => i.path).sort()).toEqual(["colectors", "hub.pushInterval", "hub.timeout", "listen", "log.level"]);
    expect(err.message).toContain(`${path}: 5 problems:`);
    for (const p of ["listen: ", "hub.pushInterval: ", "hub.timeout: ", "log.level: ", "colectors: "]) {
      expect(err.message).toContain(`  - ${p}`);
    }
  });

  it("an enum error lists the allowed values", () => {
    const err = agentYamlError("log: {level: verbose}\n");
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("log.level");
    expect(err.issues[0]?.message).toContain('"debug", "info", "warn", "error"');
    expect(err.issues[0]?.message).toContain('"verbose"');
  });

  it("the hub url must be http or https", () => {
    const err = agentYamlError("hub: {url: 'ftp://hub.lan'}\n");
    expect(err.issues.map((i) => i.path)).toEqual(["hub.url"]);
    expect(err.message).toContain("http:// or https://");
  });

  it("agent labels follow the protocol's label rules", () => {
    const err = agentYamlError("agent:\n  labels:\n    rack: a\n    gpu-model: x\n");
    expect(err.issues.map((i) => i.path)).toEqual(["agent.labels.gpu-model"]);
  });

  it("hub.hosts.downAfterMissedPushes must be an integer from 1 to 100", () => {
    for (const bad of ["0", "101", "2.5", "three"]) {
      const err = configError(() => hub(file(`hosts: {downAfterMissedPushes: ${bad}}\n`)));
      expect(err.issues.map((i) => i.path)).toEqual(["hosts.downAfterMissedPushes"]);
    }
    expect(hub(file("hosts: {downAfterMissedPushes: 100}\n")).config.hosts.downAfterMissedPushes).toBe(100);
  });
});

describe("durations", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1.5h", 5_400_000],
    ["7d", 604_800_000],
    [" 5m ", 300_000],
    [5, 5_000],
    [0.5, 500],
    ["30", 30_000],
  ] as const)("parseDuration(%j) = %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["fast", "", "5 m", "-1s", "5M", "1h30m", "s", ".5s"])("parseDuration(%j) is refused", (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])("parseDuration(%d) is refused", (n) => {
    expect(parseDuration(n)).toBeNull();
  });

  it("through the config: units, bare numbers as seconds", () => {
    const config = agentYaml(
      [
        "hub:",
        "  pushInterval: 30s",
        "  timeout: 1500ms",
        "  retryMax: 5m",
        "collectors:",
        "  system:",
        "    interval: 15",
        "    timeout: 500ms",
      ].join("\n"),
    );
    expect(config.hub.pushInterval).toBe(30_000);
    expect(config.hub.timeout).toBe(1_500);
    expect(config.hub.retryMax).toBe(300_000);
    expect(config.collectors.system.interval).toBe(15_000);
    expect(config.collectors.system.timeout).toBe(500);
    expect(hub(file("dedupWindow: 1.5h\n")).config.dedupWindow).toBe(5_400_000);
  });

  it('"fast" is refused with an example of what is expected', () => {
    const err = agentYamlError("hub: {pushInterval: fast}\n");
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("hub.pushInterval");
    expect(err.issues[0]?.message).toContain('"30s"');
    expect(err.issues[0]?.message).toContain('"fast"');
  });

  it("below the minimum is refused, the minimum itself is fine", () => {
    const err = agentYamlError("hub: {pushInterval: 500ms}\n");
    expect(err.issues.map((i) => i.path)).toEqual(["hub.pushInterval"]);
    expect(err.issues[0]?.message).toContain("1s");
    expect(agentYaml("hub: {pushInterval: 1s}\n").hub.pushInterval).toBe(1_000);
    expect(configError(() => hub(file("dedupWindow: 59m\n"))).issues.map((i) => i.path)).toEqual(["dedupWindow"]);
    expect(agentYamlError("collectors: {system: {interval: 0.5}}\n").issues.map((i) => i.path)).toEqual(["collectors.system.interval"]);
  });
});

describe("listen addresses", () => {
  it.each([
    ['"9000"', { host: "127.0.0.1", port: 9000 }],
    ["9000", { host: "127.0.0.1", port: 9000 }],
    ['"0.0.0.0:9000"', { host: "0.0.0.0", port: 9000 }],
    ['"[::1]:9000"', { host: "::1", port: 9000 }],
    ['"localhost:65535"', { host: "localhost", port: 65535 }],
    ['"agent.lan:9471"', { host: "agent.lan", port: 9471 }],
  ])("listen: %s", (yaml, expected) => {
    expect(agentYaml(`listen: ${yaml}\n`).listen).toEqual(expected);
  });

  it.each(['"host:99999"', '"::1:9000"', '"host:"', '"host:port"', '""', "true", "[1]", "9000.5"])("listen: %s is refused", (yaml) => {
    const err = agentYamlError(`listen: ${yaml}\n`);
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("listen");
    expect(err.issues[0]?.message).toContain('"host:port"');
  });
});

describe("environment overrides", () => {
  const overrides: EnvOverride[] = [
    { name: "VIGIL_LOG_LEVEL", path: ["log", "level"], type: "string" },
    { name: "VIGIL_PUSH_INTERVAL", path: ["hub", "pushInterval"], type: "string" },
    { name: "VIGIL_TIMEOUT_SECONDS", path: ["hub", "timeout"], type: "integer" },
    { name: "VIGIL_EXCLUDE_FS", path: ["collectors", "system", "excludeFsTypes"], type: "list" },
    { name: "VIGIL_AGENT_ID", path: ["agent", "id"], type: "string" },
  ];

  it("override the file", () => {
    const path = file("log:\n  level: warn\nhub:\n  pushInterval: 30s\n  timeout: 20s\n");
    const { config } = agent(path, {
      envOverrides: overrides,
      env: {
        VIGIL_LOG_LEVEL: "debug",
        VIGIL_PUSH_INTERVAL: "5m",
        VIGIL_TIMEOUT_SECONDS: " 45 ",
        VIGIL_EXCLUDE_FS: "tmpfs, overlay,,zfs ",
        VIGIL_AGENT_ID: "box-7",
      },
    });
    expect(config.log.level).toBe("debug");
    expect(config.hub.pushInterval).toBe(300_000);
    expect(config.hub.timeout).toBe(45_000);
    expect(config.collectors.system.excludeFsTypes).toEqual(["tmpfs", "overlay", "zfs"]);
    expect(config.agent.id).toBe("box-7");
  });

  it("apply with no file at all", () => {
    const { config } = agent(undefined, { envOverrides: overrides, env: { VIGIL_LOG_LEVEL: "error" } });
    expect(config.log.level).toBe("error");
  });

  it("a bare number in a string variable is seconds, like in the file", () => {
    const { config } = agent(undefined, { envOverrides: overrides, env: { VIGIL_PUSH_INTERVAL: "30" } });
    expect(config.hub.pushInterval).toBe(30_000);
  });

  it("unset and empty variables leave the file alone", () => {
    const path = file("log:\n  level: warn\n");
    const { config } = agent(path, { envOverrides: overrides, env: { VIGIL_LOG_LEVEL: "", VIGIL_PUSH_INTERVAL: undefined } });
    expect(config.log.level).toBe("warn");
    expect(config.hub.pushInterval).toBe(10_000);
  });

  it("variables not declared as overrides are ignored", () => {
    const { config } = agent(undefined, { envOverrides: overrides, env: { VIGIL_DATA_DIR: "/elsewhere" } });
    expect(config.dataDir).toBe("./data");
  });

  it("a bad value's error names the variable and the path", () => {
    const path = file("log:\n  level: warn\n");
    const err = configError(() => agent(path, { envOverrides: overrides, env: { VIGIL_LOG_LEVEL: "loud" } }));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("log.level");
    expect(err.message).toContain("VIGIL_LOG_LEVEL");
    expect(err.message).toContain('"loud"');
  });

  it("a non-integer in an integer variable names the variable", () => {
    const err = configError(() => agent(undefined, { envOverrides: overrides, env: { VIGIL_TIMEOUT_SECONDS: "10s5" } }));
    expect(err.issues.map((i) => i.path)).toEqual(["hub.timeout"]);
    expect(err.message).toContain("VIGIL_TIMEOUT_SECONDS");
  });

  it("an integer override of a hub setting", () => {
    const hubOverrides: EnvOverride[] = [{ name: "VIGIL_DOWN_AFTER", path: ["hosts", "downAfterMissedPushes"], type: "integer" }];
    expect(hub(undefined, { envOverrides: hubOverrides, env: { VIGIL_DOWN_AFTER: "5" } }).config.hosts.downAfterMissedPushes).toBe(5);
    const err = configError(() => hub(undefined, { envOverrides: hubOverrides, env: { VIGIL_DOWN_AFTER: "five" } }));
    expect(err.issues.map((i) => i.path)).toEqual(["hosts.downAfterMissedPushes"]);
    expect(err.message).toContain("VIGIL_DOWN_AFTER");
  });

  it("a list variable gives a list (here: of secrets)", () => {
    const listOverride: EnvOverride[] = [{ name: "VIGIL_AGENT_TOKENS", path: ["auth", "agentTokens"], type: "list" }];
    const { config } = hub(undefined, { envOverrides: listOverride, env: { VIGIL_AGENT_TOKENS: "tok-a,tok-b" } });
    expect(config.auth.agentTokens.map((s) => s.reveal())).toEqual(["tok-a", "tok-b"]);
  });

  it("a problem from the file is not blamed on a variable", () => {
    const path = file("log:\n  level: loud\n");
    const err = configError(() => agent(path, { envOverrides: overrides, env: { VIGIL_PUSH_INTERVAL: "30s" } }));
    expect(err.issues.map((i) => i.path)).toEqual(["log.level"]);
    expect(err.message).not.toContain("VIGIL_");
  });

  it("the caller's env object is the only environment read", () => {
    process.env.VIGIL_LOG_LEVEL_TEST_ONLY = "debug";
    try {
      const only: EnvOverride[] = [{ name: "VIGIL_LOG_LEVEL_TEST_ONLY", path: ["log", "level"], type: "string" }];
      expect(agent(undefined, { envOverrides: only, env: {} }).config.log.level).toBe("info");
    } finally {
      delete process.env.VIGIL_LOG_LEVEL_TEST_ONLY;
    }
  });
});

describe("secrets", () => {
  it("inline", () => {
    const token = agentYaml("hub:\n  token: s3cr3t-inline\n").hub.token;
    expect(token).toBeInstanceOf(Secret);
    expect(token?.reveal()).toBe("s3cr3t-inline");
    expect(token?.source).toBe("inline");
  });

  it("{env: NAME} when the variable is set", () => {
    const token = agentYaml("hub:\n  token: {env: VIGIL_TEST_TOKEN}\n", { env: { VIGIL_TEST_TOKEN: "from-env" } }).hub.token;
    expect(token?.reveal()).toBe("from-env");
    expect(token?.source).toBe("env:VIGIL_TEST_TOKEN");
  });

  it.each([
    ["unset", {}],
    ["empty", { VIGIL_TEST_TOKEN: "" }],
  ])("{env: NAME} when the variable is %s: error naming the path and the variable", (_what, env) => {
    const path = file("hub:\n  token: {env: VIGIL_TEST_TOKEN}\n");
    const err = configError(() => agent(path, { env }));
    expect(err.issues).toEqual([{ path: "hub.token", message: expect.stringContaining("VIGIL_TEST_TOKEN") }]);
    expect(err.message).toContain(path);
    expect(err.message).toContain("hub.token");
    expect(err.message).toContain("not set");
  });

  it("{env: name} must be an upper-case variable name", () => {
    const err = agentYamlError("hub:\n  token: {env: my_token}\n");
    expect(err.issues.map((i) => i.path)).toEqual(["hub.token.env"]);
  });

  it("{file: path} is relative to the config file's directory, trimmed", () => {
    const sub = mkdtempSync(join(dir, "secrets-"));
    mkdirSync(join(sub, "keys"));
    writeFileSync(join(sub, "keys", "agent.token"), "tok-from-file\n");
    const path = join(sub, "agent.yaml");
    writeFileSync(path, "hub:\n  token: {file: keys/agent.token}\n");
    const token = agent(path).config.hub.token;
    expect(token?.reveal()).toBe("tok-from-file");
    expect(token?.source).toBe(`file:${join(sub, "keys", "agent.token")}`);
  });

  it("{file: path} absolute", () => {
    const secretPath = join(dir, "absolute.token");
    writeFileSync(secretPath, "abs");
    expect(agentYaml(`hub:\n  token: {file: ${JSON.stringify(secretPath)}}\n`).hub.token?.reveal()).toBe("abs");
  });

  it("{file: path} missing: error naming the config path and the file", () => {
    const path = file("hub:\n  token: {file: no-such.token}\n");
    const err = configError(() => agent(path));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("hub.token");
    expect(err.message).toContain(join(dir, "no-such.token"));
    expect(err.message).toContain("not found");
  });

  it("{file: path} empty (whitespace only): error naming the path", () => {
    writeFileSync(join(dir, "empty.token"), " \n\n");
    const err = agentYamlError("hub:\n  token: {file: empty.token}\n");
    expect(err.issues).toEqual([{ path: "hub.token", message: expect.stringContaining("is empty") }]);
  });

  it("secret problems in a list are all reported, by index", () => {
    writeFileSync(join(dir, "hub-ok.token"), "ok");
    const path = file(
      "auth:\n  agentTokens:\n    - inline\n    - {file: hub-ok.token}\n    - {file: nope.token}\n    - {env: VIGIL_NOPE}\n",
    );
    const err = configError(() => hub(path));
    expect(err.issues.map((i) => i.path)).toEqual(["auth.agentTokens[2]", "auth.agentTokens[3]"]);
    expect(err.message).toContain("VIGIL_NOPE");
  });

  it("an empty inline secret and a secret of the wrong shape are refused", () => {
    expect(agentYamlError('hub:\n  token: ""\n').issues.map((i) => i.path)).toEqual(["hub.token"]);
    expect(agentYamlError("hub:\n  token: 12345\n").issues.map((i) => i.path)).toEqual(["hub.token"]);
    expect(agentYamlError("hub:\n  token: {path: /x}\n").issues.map((i) => i.path)[0]).toMatch(/^hub\.token/);
  });

  describe("a resolved Secret never shows its value", () => {
    const secret = agentYaml("hub:\n  token: {env: VIGIL_TEST_TOKEN}\n", { env: { VIGIL_TEST_TOKEN: "hunter2" } }).hub.token as Secret;

    it("String() and template literals", () => {
      expect(String(secret)).toBe("[redacted]");
      expect(`${secret}`).toBe("[redacted]");
    });

    it("JSON.stringify, alone and inside the whole config", () => {
      expect(JSON.stringify(secret)).toBe('"[redacted]"');
      const whole = JSON.stringify(agent(undefined, { env: {} }).config);
      expect(whole).not.toContain("hunter2");
      expect(JSON.stringify({ hub: { token: secret } })).toBe('{"hub":{"token":"[redacted]"}}');
    });

    it("util.inspect shows only the source", () => {
      expect(inspect(secret)).toBe("Secret(env:VIGIL_TEST_TOKEN)");
      expect(inspect({ token: secret }, { depth: 5, showHidden: true })).not.toContain("hunter2");
    });

    it("has no enumerable property holding the value", () => {
      expect(Object.values(secret)).not.toContain("hunter2");
      expect(Object.keys(secret)).toEqual(["source"]);
    });

    it("reveal() returns the value", () => {
      expect(secret.reveal()).toBe("hunter2");
    });

    it("equals compares the value", () => {
      expect(secret.equals("hunter2")).toBe(true);
      expect(secret.equals("hunter3")).toBe(false);
      expect(secret.equals("hunter")).toBe(false);
      expect(secret.equals("hunter22")).toBe(false);
      expect(secret.equals("")).toBe(false);
      expect(new Secret("", "inline").equals("")).toBe(true);
      expect(new Secret("héllo", "inline").equals("héllo")).toBe(true);
      expect(new Secret("héllo", "inline").equals("hello")).toBe(false);
    });
  });
});

describe("hub: tokens are required beyond loopback", () => {
  it("listening on 0.0.0.0 with no auth.agentTokens is refused, naming auth.agentTokens", () => {
    const path = file('listen: "0.0.0.0:9470"\n');
    const err = configError(() => hub(path));
    expect(err.issues).toHaveLength(1);
    expect(err.issues[0]?.path).toBe("auth.agentTokens");
    expect(err.message).toContain("auth.agentTokens");
    expect(err.message).toContain("0.0.0.0");
  });

  it("an explicitly empty token list is refused too", () => {
    const err = configError(() => hub(file('listen: "0.0.0.0:9470"\nauth:\n  agentTokens: []\n')));
    expect(err.issues.map((i) => i.path)).toEqual(["auth.agentTokens"]);
  });

  it("listening on 0.0.0.0 with one token is accepted", () => {
    const { config } = hub(file('listen: "0.0.0.0:9470"\nauth:\n  agentTokens:\n    - {env: VIGIL_HUB_TOKEN}\n'), {
      env: { VIGIL_HUB_TOKEN: "t0k" },
    });
    expect(config.listen).toEqual({ host: "0.0.0.0", port: 9470 });
    expect(config.auth.agentTokens).toHaveLength(1);
    expect(config.auth.agentTokens[0]?.equals("t0k")).toBe(true);
  });

  it.each(['"127.0.0.1:9470"', '"127.8.9.10:9470"', '"localhost:9470"', '"[::1]:9470"', "9470"])(
    "loopback (%s) needs no token",
    (listen) => {
      expect(hub(file(`listen: ${listen}\n`)).config.auth.agentTokens).toEqual([]);
    },
  );

  it.each(['"[::]:9470"', '"192.168.1.10:9470"', '"hub.lan:9470"'])("%s is beyond loopback", (listen) => {
    const err = configError(() => hub(file(`listen: ${listen}\n`)));
    expect(err.issues.map((i) => i.path)).toEqual(["auth.agentTokens"]);
  });
});

describe("ConfigError", () => {
  it("one issue: source, path and message on one line", () => {
    const err = new ConfigError("/etc/vigil/hub.yaml", [{ path: "log.level", message: "bad" }]);
    expect(err.message).toBe("/etc/vigil/hub.yaml: log.level: bad");
    expect(err.name).toBe("ConfigError");
    expect(err).toBeInstanceOf(Error);
  });

  it("a root issue has no path prefix", () => {
    expect(new ConfigError("x.yaml", [{ path: "", message: "bad" }]).message).toBe("x.yaml: bad");
  });

  it("several issues: counted and listed one per line", () => {
    const err = new ConfigError("x.yaml", [
      { path: "a", message: "one" },
      { path: "", message: "two" },
    ]);
    expect(err.message).toBe("x.yaml: 2 problems:\n  - a: one\n  - two");
  });

  it("with no file, the source says defaults", () => {
    const err = configError(() =>
      agent(undefined, { envOverrides: [{ name: "V", path: ["log", "level"], type: "string" }], env: { V: "x" } }),
    );
    expect(err.source).toBe("(defaults)");
    expect(err.message.startsWith("(defaults): log.level: ")).toBe(true);
  });
});
