import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { BUILTIN_RULE_NAMES, BUILTIN_RULES } from "../../../hub/rules/builtin-rules.ts";
import { compileRule } from "../../../hub/rules/compiled-rule.ts";
import { checkRule } from "../../../hub/rules/rule-schema.ts";
import { ConfigError } from "../../../shared/config/config-error.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function load(yaml: string) {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, yaml);
  return loadHubConfig({ configFile: file, env: {} });
}

/** The config error's message for a YAML text, with the temp file's path replaced by FILE. */
function errorOf(yaml: string): string {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, yaml);
  try {
    loadHubConfig({ configFile: file, env: {} });
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message.replaceAll(file, "FILE");
  }
  throw new Error("the config loaded");
}

describe("rules in the hub config", () => {
  it("loads the rules of docs/alerts.md: pool state, probe, freshness, unit and GPU threshold with hysteresis", () => {
    const { config } = load(`
rules:
  - name: sata-bulk-degraded
    state: vigil_zfs_pool_health
    labels: { pool: sata-bulk }
    condition: not-equals
    value: ONLINE
    severity: critical
  - name: ollama-gpu-down
    series: vigil_probe_up
    labels: { probe: { oneOf: [ollama-gpu, ollama-cpu] } }
    condition: ==
    critical: 0
    for: 1m
  - name: postgres-failed
    state: vigil_unit_active_state
    labels: { unit: postgresql.service }
    hosts: [db-box]
    condition: equals
    value: failed
    severity: critical
    repeat: 30m
  - name: predictions-stale
    series: vigil_freshness_age_seconds
    labels: { probe: predictions }
    condition: ">"
    warning: 600
    critical: 1800
    clear: 540
    annotations:
      summary: "predictions on {{host}} are {{value}} s old (limit {{threshold}} s) since {{since}}"
`);
    expect(config.rules.map((r) => r.name)).toEqual(["sata-bulk-degraded", "ollama-gpu-down", "postgres-failed", "predictions-stale"]);
    expect(config.rules[0]).toMatchObject({ condition: "!=", value: "ONLINE" });
    expect(config.rules[1]).toMatchObject({ condition: "==", critical: 0, for: 60_000 });
    expect(config.rules[2]).toMatchObject({ condition: "==", repeat: 1_800_000, hosts: ["db-box"] });
    const stale = compileRule(config.rules[3]!, false);
    expect(stale.condition).toEqual({
      kind: "numeric",
      op: ">",
      levels: [
        { severity: "warning", threshold: 600, clear: 540 },
        { severity: "critical", threshold: 1800, clear: 1800 },
      ],
    });
    expect(stale).toMatchObject({ forMs: 0, cooldownMs: 300_000, repeatMs: 14_400_000, absentAfterMs: 900_000 });
  });

  it("names the file, the rule's index and the field, e.g. rules[2].condition", () => {
    const msg = errorOf(`
rules:
  - { name: a, series: vigil_load1, condition: ">", warning: 4 }
  - { name: b, series: vigil_load1, condition: ">", warning: 4 }
  - { name: c, series: vigil_load1, condition: "=>", warning: 4 }
`);
    expect(msg).toBe(
      'FILE: rules[2].condition: expected one of > >= < <= == != (equals and not-equals also for states), got the string "=>"',
    );
  });

  it.each([
    ["rules:\n  - { name: x, condition: '>', warning: 1 }", "rules[0]: expected exactly one of series, state or hostDown, got none"],
    [
      "rules:\n  - { name: x, series: a, state: b, condition: '>', warning: 1 }",
      "rules[0]: expected exactly one of series, state or hostDown, got series and state",
    ],
    ["rules:\n  - { name: x, series: a, warning: 1 }", "rules[0].condition: is required: one of > >= < <= == !="],
    ["rules:\n  - { name: x, series: a, condition: '>' }", "rules[0]: expected a threshold: warning, critical or both"],
    [
      "rules:\n  - { name: x, series: a, condition: '>', warning: 90, critical: 80 }",
      "rules[0].critical: must be at least warning (90) with condition >",
    ],
    [
      "rules:\n  - { name: x, series: a, condition: '<', warning: 10, critical: 20 }",
      "rules[0].critical: must be at most warning (10) with condition <",
    ],
    [
      "rules:\n  - { name: x, series: a, condition: '>', warning: 85, clear: 90 }",
      "rules[0].clear: must be at most the warning threshold (85) with condition >, got 90",
    ],
    [
      "rules:\n  - { name: x, series: a, condition: '<', critical: 5, clear: { critical: 2 } }",
      "rules[0].clear.critical: must be at least the critical threshold (5) with condition <, got 2",
    ],
    [
      "rules:\n  - { name: x, series: a, condition: '==', critical: 0, clear: 1 }",
      "rules[0].clear: is not used with == (only with > >= < <=)",
    ],
    [
      "rules:\n  - { name: x, series: a, condition: '>', warning: 1, severity: critical }",
      "rules[0].severity: is not used by a series rule (the thresholds warning and critical name the severity)",
    ],
    ["rules:\n  - { name: x, state: a, condition: '>', value: b }", "rules[0].condition: expected == or != for a state, got >"],
    ["rules:\n  - { name: x, state: a, condition: '==' }", "rules[0].value: is required: the state (or list of states) to compare with"],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, warning: 3 }",
      "rules[0].warning: is not used by a state rule (use value and severity)",
    ],
    ["rules:\n  - { name: x, hostDown: true, labels: { a: b } }", "rules[0].labels: is not used by a hostDown rule"],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, for: 5 parsecs }",
      'rules[0].for: expected a duration such as "500ms", "30s", "5m" or "1h", got the string "5 parsecs"',
    ],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, labels: { pool: { matches: '(' } } }",
      'rules[0].labels.pool.matches: expected a valid regular expression, got the string "("',
    ],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, labels: { pool: { equals: a, matches: b } } }",
      "rules[0].labels.pool: expected exactly one of equals, notEquals, oneOf, notOneOf, matches, notMatches, got equals and matches",
    ],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, annotations: { summary: '{{hots}} down' } }",
      "rules[0].annotations.summary: unknown variable {{hots}}; known: host, value, threshold, since, severity, rule, state, labels.<name>",
    ],
    [
      "rules:\n  - { name: x, state: a, condition: '==', value: b, treshold: 3 }",
      "rules[0].treshold: is not a known key (check the spelling)",
    ],
    [
      "rules:\n  - { name: cpu-usage, hostDown: true }",
      'rules[0].name: "cpu-usage" is a built-in rule: change it under builtinRules.cpu-usage, or pick another name',
    ],
    ["rules:\n  - { name: x, hostDown: true }\n  - { name: x, hostDown: true }", 'rules[1].name: rule name "x" is used twice'],
  ])("%s", (yaml, expected) => {
    expect(errorOf(yaml)).toBe(`FILE: ${expected}`);
  });
});

describe("built-in rules", () => {
  it("every built-in passes the checks a user rule does, and refers to a catalog name", () => {
    for (const name of BUILTIN_RULE_NAMES) {
      const problems: string[] = [];
      checkRule(BUILTIN_RULES[name], (path, message) => problems.push(`${path.join(".")}: ${message}`));
      expect(problems, name).toEqual([]);
    }
    expect(BUILTIN_RULE_NAMES).toEqual([
      "host-down",
      "gpu-temperature",
      "gpu-ecc-uncorrected",
      "filesystem-capacity",
      "pool-capacity",
      "pool-not-online",
      "pool-scrub-errors",
      "pool-data-errors",
      "container-unhealthy",
      "unit-failed",
      "probe-failing",
      "freshness-exceeded",
      "cpu-usage",
      "memory-usage",
    ]);
  });

  it("a hub without config gets them all", () => {
    const { config } = loadHubConfig({ configFile: undefined, env: {} });
    expect(config.builtinRules.map((r) => r.name)).toEqual(BUILTIN_RULE_NAMES);
    expect(config.rules).toEqual([]);
  });

  it("are disabled with false or enabled: false, and changed by name; labels merge and a moved threshold keeps its hysteresis gap", () => {
    const { config } = load(`
builtinRules:
  cpu-usage: false
  memory-usage: { enabled: false }
  filesystem-capacity:
    warning: 80
    labels: { mountpoint: { notMatches: "/mnt/scratch(/.*)?" } }
  gpu-temperature: { critical: false, for: 30s }
`);
    const names = config.builtinRules.map((r) => r.name);
    expect(names).not.toContain("cpu-usage");
    expect(names).not.toContain("memory-usage");
    expect(names).toHaveLength(BUILTIN_RULE_NAMES.length - 2);
    const fs = config.builtinRules.find((r) => r.name === "filesystem-capacity");
    expect(fs).toMatchObject({ warning: 80, critical: 95, clear: { warning: 78, critical: 93 } });
    const compiled = compileRule(fs!, true);
    const labels = { mountpoint: "/", device: "/dev/nvme0n1p2", fstype: "ext4" };
    expect(compiled.matchLabels(labels)).toBe(true);
    expect(compiled.matchLabels({ ...labels, fstype: "zfs" })).toBe(false);
    expect(compiled.matchLabels({ ...labels, mountpoint: "/mnt/scratch/tmp" })).toBe(false);
    expect(compiled.matchLabels({ ...labels, mountpoint: "/mnt/scratchpad" })).toBe(true);
    const gpu = config.builtinRules.find((r) => r.name === "gpu-temperature");
    expect(gpu).toMatchObject({ warning: 83, clear: { warning: 80 }, for: 30_000 });
    expect(gpu).not.toHaveProperty("critical");
  });

  it("reports a bad override at builtinRules.<name>.<field>, and an unknown name as a typo", () => {
    expect(errorOf("builtinRules:\n  cpu-usage: { warning: 90 }")).toBe(
      "FILE: builtinRules.cpu-usage.critical: must be at least warning (90) with condition >",
    );
    expect(errorOf("builtinRules:\n  cpu-usag: false")).toBe("FILE: builtinRules.cpu-usag: is not a known key (check the spelling)");
    expect(errorOf("builtinRules:\n  unit-failed: { condition: '!=' }")).toBe(
      "FILE: builtinRules.unit-failed.condition: is not a known key (check the spelling)",
    );
  });
});

describe("docs/alerts.md", () => {
  it("every YAML example loads, and its rules compile", () => {
    const text = readFileSync(new URL("../../../docs/alerts.md", import.meta.url), "utf8");
    const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
    expect(blocks.length).toBeGreaterThanOrEqual(5);
    for (const yaml of blocks) {
      const { config } = load(yaml);
      for (const r of config.rules) expect(compileRule(r, false).name).toBe(r.name);
    }
  });
});
