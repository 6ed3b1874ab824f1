import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config/load.ts";
import { loadAgentConfigInChild } from "../../agent/config/load-in-child.ts";
import { fromTransferable, toTransferable } from "../../agent/config/transferable.ts";
import { ConfigError } from "../../shared/config/config-error.ts";
import { Secret } from "../../shared/config/secret.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

/** The config with every Secret shown as its source and value, so two loads can be compared. */
function revealed(value: unknown): unknown {
  if (value instanceof Secret) return { secret: value.reveal(), source: value.source };
  if (Array.isArray(value)) return value.map(revealed);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealed(v)]));
  return value;
}

const PACKAGED = join(import.meta.dirname, "..", "..", "packaging", "etc", "agent.yaml");

describe("loading the agent config in a child process", () => {
  it("gives exactly what loading it in-process gives: the packaged config, secrets from env and file, probes, actions", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "enroll.secret"), "enroll-from-file\n");
    const file = join(dir, "agent.yaml");
    writeFileSync(
      file,
      [
        "agent: { id: gpu-box-1, labels: { rack: r2 } }",
        "hub:",
        "  url: http://hub.lan:9470",
        "  token: { env: MY_AGENT_TOKEN }",
        "  enrollmentToken: { file: enroll.secret }",
        "  pushInterval: 15s",
        "collectors:",
        "  probes:",
        "    probes:",
        '      - { kind: http, name: ollama, url: "http://127.0.0.1:11434/api/tags" }',
        "actions:",
        '  hubPublicKey: "ed25519:11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="',
        "  catalog:",
        "    restart-unit:",
        "      risk: caution",
        '      argv: [/usr/bin/systemctl, restart, "{unit}"]',
        "      params: { unit: { type: enum, values: [ollama.service] } }",
      ].join("\n"),
    );
    const env = { MY_AGENT_TOKEN: "token-from-env", VIGIL_LOG_LEVEL: "debug" };
    const inChild = await loadAgentConfigInChild({ configFile: file, env });
    const inProcess = loadAgentConfig({ configFile: file, env });
    expect(inChild.file).toBe(file);
    expect(revealed(inChild.config)).toEqual(revealed(inProcess.config));
    expect(inChild.config.hub.token).toBeInstanceOf(Secret);
    expect(inChild.config.hub.token?.reveal()).toBe("token-from-env");
    expect(inChild.config.hub.enrollmentToken?.source).toBe(`file:${join(dir, "enroll.secret")}`);
    expect(inChild.config.log.level).toBe("debug");
    expect(inChild.config.hub.pushInterval).toBe(15_000);

    const packaged = await loadAgentConfigInChild({ configFile: PACKAGED, env: {} });
    expect(revealed(packaged.config)).toEqual(revealed(loadAgentConfig({ configFile: PACKAGED, env: {} }).config));
  });

  it("with no file and no variables, the defaults", async () => {
    const { config, file } = await loadAgentConfigInChild({ configFile: undefined, env: {} });
    expect(file).toBeUndefined();
    expect(config).toEqual(loadAgentConfig({ configFile: undefined, env: {} }).config);
  });

  it("a bad config is the same ConfigError, with the same message, as in-process", async () => {
    const dir = tempDir();
    const file = join(dir, "agent.yaml");
    writeFileSync(file, "hub:\n  pushInterval: soon\n  mode: both\ncollectors: { gpu: { intervall: 5s } }\n");
    const env = { VIGIL_AGENT_LISTEN: "not-an-address" };
    const inProcess = (() => {
      try {
        loadAgentConfig({ configFile: file, env });
      } catch (err) {
        return err;
      }
      throw new Error("expected a ConfigError");
    })() as ConfigError;
    const err = await loadAgentConfigInChild({ configFile: file, env }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toBe(inProcess.message);
    expect((err as ConfigError).issues.map((i) => i.path)).toEqual(
      expect.arrayContaining(["listen", "hub.pushInterval", "hub.mode", "collectors.gpu.intervall"]),
    );
    expect((err as ConfigError).message).toContain("(set by environment variable VIGIL_AGENT_LISTEN)");
  });

  it("a missing file named explicitly, and bad YAML, name the file", async () => {
    const dir = tempDir();
    await expect(loadAgentConfigInChild({ configFile: join(dir, "nope.yaml"), env: {} })).rejects.toThrow(
      `${join(dir, "nope.yaml")}: cannot read the config file: file not found`,
    );
    writeFileSync(join(dir, "bad.yaml"), "hub: [\n");
    await expect(loadAgentConfigInChild({ configFile: join(dir, "bad.yaml"), env: {} })).rejects.toThrow(/bad\.yaml: invalid YAML at line/);
  });
});

describe("the config as plain data", () => {
  it("carries Secrets across a JSON round trip and nothing else changes", () => {
    const config = { hub: { token: new Secret("s3cret", "env:T"), url: "http://x" }, list: [1, { a: null }] };
    const back = fromTransferable(JSON.parse(JSON.stringify(toTransferable(config)))) as typeof config;
    expect(back.hub.token).toBeInstanceOf(Secret);
    expect(back.hub.token.reveal()).toBe("s3cret");
    expect(back.hub.token.source).toBe("env:T");
    expect({ ...back, hub: { ...back.hub, token: "-" } }).toEqual({ ...config, hub: { ...config.hub, token: "-" } });
  });

  it("refuses what JSON would silently change, naming the path", () => {
    expect(() => toTransferable({ a: { b: [new Date(0)] } })).toThrow("config.a.b[0]: a Date cannot leave the config child");
    expect(() => toTransferable({ f: () => 1 })).toThrow("config.f: a function cannot leave the config child");
  });
});
