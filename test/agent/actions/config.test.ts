import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../../agent/config/load.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { ConfigError } from "../../../shared/config/config-error.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { newKeys } from "./support/requests.ts";

const tempDir = useTempDirs();
const key = formatPublicKey(newKeys().publicKey);

function load(yaml: string) {
  const file = join(tempDir(), "agent.yaml");
  writeFileSync(file, yaml);
  return loadAgentConfig({ configFile: file, env: {} });
}

function errorOf(yaml: string): string {
  try {
    load(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.path}: ${i.message}`).join("\n");
    throw err;
  }
  throw new Error("the config loaded");
}

describe("actions config", () => {
  it("is empty by default: no catalog, nothing polled", () => {
    const { config } = loadAgentConfig({ configFile: undefined, env: {} });
    expect(config.actions.catalog).toEqual({});
    expect(config.actions.path).toBe("/usr/sbin:/usr/bin:/sbin:/bin");
    expect(config.actions.maxClockSkew).toBe(30_000);
  });

  it("reads a catalog: templates parsed, durations in ms, defaults filled", () => {
    const { config } = load(`
actions:
  hubPublicKey: "${key}"
  catalog:
    restart-unit:
      risk: caution
      argv: [sudo, -n, systemctl, restart, "{unit}"]
      params:
        unit: { type: enum, values: [ollama-gpu.service] }
      target: "unit:{unit}"
      timeout: 90s
`);
    const a = config.actions.catalog["restart-unit"];
    expect(a).toMatchObject({ risk: "caution", timeout: 90_000, maxOutputBytes: 65_536, target: "unit:{unit}" });
    expect(a?.argv[4]).toEqual({ parts: [{ kind: "param", name: "unit" }], splice: false });
    expect(a?.argv[0]).toEqual({ parts: [{ kind: "literal", text: "sudo" }], splice: false });
  });

  it("requires the hub's public key once the catalog lists an action, and checks it", () => {
    const catalog = `
  catalog:
    scrub: { risk: safe, argv: [zpool, scrub, nvme-fast] }`;
    expect(errorOf(`actions:${catalog}`)).toBe(
      "actions.hubPublicKey: required when the catalog lists actions: the hub's public key, as printed by 'vigil action key' (ed25519:...)",
    );
    expect(errorOf(`actions:\n  hubPublicKey: "ed25519:AAAA"${catalog}`)).toContain(
      "actions.hubPublicKey: expected the 32-byte Ed25519 public key in base64",
    );
  });

  it.each([
    ["an undeclared placeholder", `argv: [systemctl, restart, "{unit}"]`, "actions.catalog.a.argv[2]: {unit} names no parameter in params"],
    [
      "a parameter inside a larger argument without splice",
      `argv: [zfs, snapshot, "{dataset}@now"]\n      params: { dataset: { type: enum, values: [tank] } }`,
      'actions.catalog.a.argv[2]: puts a parameter inside a larger argument: write it as {splice: "..."} to allow that, or make the parameter the whole argument',
    ],
    [
      "a program chosen by a parameter",
      `argv: ["{prog}"]\n      params: { prog: { type: enum, values: [/bin/true] } }`,
      "actions.catalog.a.argv[0]: the program (argv[0]) must be fixed text",
    ],
    [
      "a parameter never used",
      `argv: [zpool, scrub, tank]\n      params: { pool: { type: enum, values: [tank] } }`,
      "actions.catalog.a.params.pool: parameter pool is never used in argv",
    ],
    [
      "an unquoted placeholder, which YAML reads as a mapping",
      `argv: [systemctl, restart, {unit}]\n      params: { unit: { type: enum, values: [x.service] } }`,
      'actions.catalog.a.argv[2]: an empty mapping: quote placeholders, "{unit}" (unquoted, YAML reads {unit} as a mapping)',
    ],
    [
      "a bad regular expression",
      `argv: [ollama, pull, "{model}"]\n      params: { model: { type: string, pattern: "[a-z" } }`,
      "actions.catalog.a.params.model.pattern: not a valid regular expression",
    ],
    [
      "a string parameter without a pattern",
      `argv: [ollama, pull, "{model}"]\n      params: { model: { type: string } }`,
      "actions.catalog.a.params.model.pattern:",
    ],
    [
      "an integer range upside down",
      `argv: [x, "{n}"]\n      params: { n: { type: integer, min: 5, max: 1 } }`,
      "actions.catalog.a.params.n.max: max must not be below min",
    ],
    ["an unknown risk class", `risk: low`, 'actions.catalog.a.risk: expected "safe", "caution" or "danger"'],
    ["an unknown key", `argv: [x]\n      shell: true`, "actions.catalog.a.shell: is not a known key"],
    [
      "an argv element of another type",
      `argv: [x, 3]`,
      'actions.catalog.a.argv[1]: expected a string such as "restart" or "{unit}", or {splice: "{dataset}@{name}"}',
    ],
  ])("refuses %s, naming the path", (_what, body, expected) => {
    const yaml = `actions:\n  hubPublicKey: "${key}"\n  catalog:\n    a:\n      ${body.includes("risk:") ? "" : "risk: safe\n      "}${body}\n`;
    expect(errorOf(yaml)).toContain(expected);
  });
});
