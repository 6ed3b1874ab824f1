import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadHubConfig } from "../../../hub/config/load.ts";
import { remediationRules } from "../../../hub/remediation/rule-table.ts";
import { ConfigError } from "../../../shared/config/config-error.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function load(yaml: string) {
  const file = join(tempDir(), "hub.yaml");
  writeFileSync(file, yaml);
  return loadHubConfig({ configFile: file, env: {} }).config;
}

/** The config error's message, with the temp file's path replaced by FILE. */
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

const ACTIONS = `
remediation:
  actions:
    restart-unit: { risk: caution }
    restart-container: { risk: caution }
    fallback-timer: { risk: caution }
    restart-postgres: { risk: danger, description: breaks every client }
`;

describe("remediation in the hub config", () => {
  it("loads the examples of docs/remediation.md: a built-in rule and user rules, limits over the defaults", () => {
    const config = load(`${ACTIONS}
  defaults: { maxRuns: 2, window: 30m }
builtinRules:
  unit-failed:
    remediation: { action: restart-unit, params: { unit: "{{labels.unit}}" } }
rules:
  - name: webui-unhealthy
    state: vigil_container_health
    labels: { container: open-webui }
    condition: ==
    value: unhealthy
    for: 1m
    remediation:
      action: restart-container
      params: { container: "{{labels.container}}" }
      backoff: 2m
      verifyAfter: 3m
  - name: predictions-stale
    state: vigil_probe_status
    labels: { probe: predictions }
    condition: ==
    value: stale
    remediation:
      action: fallback-timer
      host: fallback-box
      params: { verb: start }
      reason: "predictions on {{host}} are stale since {{since}}"
`);
    const rules = remediationRules(config);
    expect([...rules.keys()]).toEqual(["unit-failed", "webui-unhealthy", "predictions-stale"]);
    expect(rules.get("unit-failed")?.view).toEqual({
      rule: "unit-failed",
      builtin: true,
      action: "restart-unit",
      risk: "caution",
      host: "{{host}}",
      params: { unit: "{{labels.unit}}" },
      maxRuns: 2,
      windowMs: 1_800_000,
      backoffMs: 30_000,
      verifyAfterMs: 60_000,
    });
    expect(rules.get("webui-unhealthy")?.limits).toEqual({ maxRuns: 2, windowMs: 1_800_000, backoffMs: 120_000, verifyAfterMs: 180_000 });
    expect(rules.get("predictions-stale")?.remediation).toMatchObject({ host: "fallback-box", params: { verb: "start" } });
    // The built-in keeps what it watches; only remediation was added.
    expect(config.builtinRules.find((r) => r.name === "unit-failed")).toMatchObject({ state: "vigil_unit_active_state", value: "failed" });
  });

  it("has remediation on by default with 3 runs per hour, 30 s back-off, 1 m verification, and no actions allowed", () => {
    const config = load("");
    expect(config.remediation).toEqual({
      enabled: true,
      actions: {},
      defaults: { maxRuns: 3, window: 3_600_000, backoff: 30_000, verifyAfter: 60_000 },
    });
    expect(remediationRules(config).size).toBe(0);
  });

  it("refuses a danger action as remediation at load, naming the rule, the action and why", () => {
    expect(
      errorOf(`${ACTIONS}
rules:
  - name: postgres-down
    state: vigil_unit_active_state
    labels: { unit: postgresql@16-main.service }
    condition: ==
    value: failed
    remediation: { action: restart-postgres }
`),
    ).toContain(
      'FILE: rules[0].remediation.action: "restart-postgres" is a danger action (remediation.actions.restart-postgres.risk): ' +
        "remediation never runs danger actions",
    );
    expect(
      errorOf(`${ACTIONS}
builtinRules:
  unit-failed: { remediation: { action: restart-postgres } }
`),
    ).toContain('FILE: builtinRules.unit-failed.remediation.action: "restart-postgres" is a danger action');
  });

  it("refuses an action the allow list does not hold, listing the ones it does", () => {
    expect(
      errorOf(`${ACTIONS}
builtinRules:
  unit-failed: { remediation: { action: reboot-host } }
`),
    ).toContain(
      'FILE: builtinRules.unit-failed.remediation.action: "reboot-host" is not in remediation.actions: list it there with the risk class ' +
        "its agents' catalogs give it (listed: restart-unit, restart-container, fallback-timer, restart-postgres)",
    );
    expect(errorOf(`builtinRules:\n  unit-failed: { remediation: { action: restart-unit } }\n`)).toContain("(the list is empty)");
  });

  it("refuses an unknown template variable, a risk class that does not exist, and limits out of range", () => {
    const msg = errorOf(`
remediation:
  actions:
    restart-unit: { risk: harmless }
rules:
  - name: unit-x
    state: vigil_unit_active_state
    condition: ==
    value: failed
    remediation: { action: restart-unit, params: { unit: "{{unit}}" }, maxRuns: 0, window: 10s }
`);
    expect(msg).toContain("remediation.actions.restart-unit.risk: expected safe, caution or danger (as in the agents' catalogs)");
    expect(msg).toContain(
      "rules[0].remediation.params.unit: unknown variable {{unit}}; known: host, value, threshold, since, severity, rule, state, labels.<name>",
    );
    expect(msg).toContain("rules[0].remediation.maxRuns");
    expect(msg).toContain("rules[0].remediation.window: expected a duration between 1m and 7d");
  });

  it("requires another host for a hostDown rule's remediation", () => {
    expect(
      errorOf(`${ACTIONS}
rules:
  - name: gpu-box-down
    hostDown: true
    hosts: [gpu-box]
    remediation: { action: fallback-timer, params: { verb: start } }
`),
    ).toContain("FILE: rules[0].remediation.host: is required for a hostDown rule: a host that is down cannot run the action");
  });
});
