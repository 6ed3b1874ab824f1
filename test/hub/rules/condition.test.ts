import { describe, expect, it } from "vitest";
import { compileRule } from "../../../hub/rules/compiled-rule.ts";
import { levelsMet } from "../../../hub/rules/condition.ts";
import { compileLabelMatchers } from "../../../hub/rules/label-matchers.ts";
import type { RuleConfig } from "../../../hub/rules/rule-schema.ts";
import { compileTemplate, renderTemplate } from "../../../hub/rules/template.ts";
import type { AlertSeverity } from "../../../shared/protocol/alert.ts";

const cond = (r: Omit<RuleConfig, "name">) => compileRule({ name: "t", ...r }, false).condition;
const none = new Set<AlertSeverity>();
const holding = (...s: AlertSeverity[]) => new Set<AlertSeverity>(s);
const v = (value: number) => ({ kind: "value" as const, value });

describe("levelsMet", () => {
  it("> with two levels: thresholds to start, clear values to hold", () => {
    const c = cond({ series: "x", condition: ">", warning: 85, critical: 95, clear: { warning: 83, critical: 93 } });
    expect(levelsMet(c, v(85), none)).toEqual([]);
    expect(levelsMet(c, v(85.1), none)).toEqual(["warning"]);
    expect(levelsMet(c, v(96), none)).toEqual(["warning", "critical"]);
    expect(levelsMet(c, v(84), holding("warning"))).toEqual(["warning"]);
    expect(levelsMet(c, v(83), holding("warning"))).toEqual([]);
    expect(levelsMet(c, v(94), holding("warning", "critical"))).toEqual(["warning", "critical"]);
    expect(levelsMet(c, v(93), holding("warning", "critical"))).toEqual(["warning"]);
  });

  it("< (free space falling) with a plain-number clear on its only level, and >= at the boundary", () => {
    const low = cond({ series: "x", condition: "<", critical: 10, clear: 15 });
    expect([
      levelsMet(low, v(10), none),
      levelsMet(low, v(9.9), none),
      levelsMet(low, v(14), holding("critical")),
      levelsMet(low, v(15), holding("critical")),
    ]).toEqual([[], ["critical"], ["critical"], []]);
    const ge = cond({ series: "x", condition: ">=", warning: 1 });
    expect([levelsMet(ge, v(1), none), levelsMet(ge, v(0.99), holding("warning"))]).toEqual([["warning"], []]);
  });

  it("== and != on numbers (probe up == 0)", () => {
    const down = cond({ series: "vigil_probe_up", condition: "==", critical: 0 });
    expect([levelsMet(down, v(0), none), levelsMet(down, v(1), holding("critical"))]).toEqual([["critical"], []]);
    const notOne = cond({ series: "x", condition: "!=", warning: 1 });
    expect([levelsMet(notOne, v(2), none), levelsMet(notOne, v(1), none)]).toEqual([["warning"], []]);
  });

  it("states: == any listed value, != none of them; host down; an observation of another kind meets nothing", () => {
    const notOnline = cond({ state: "s", condition: "!=", value: "ONLINE", severity: "critical" });
    const st = (state: string) => ({ kind: "state" as const, state });
    expect([levelsMet(notOnline, st("DEGRADED"), none), levelsMet(notOnline, st("ONLINE"), none)]).toEqual([["critical"], []]);
    const failing = cond({ state: "s", condition: "!=", value: ["ok", "stale"] });
    expect([levelsMet(failing, st("timeout"), none), levelsMet(failing, st("stale"), none), levelsMet(failing, st("ok"), none)]).toEqual([
      ["warning"],
      [],
      [],
    ]);
    const unhealthy = cond({ state: "s", condition: "==", value: "unhealthy", severity: "warning" });
    expect([levelsMet(unhealthy, st("unhealthy"), none), levelsMet(unhealthy, v(1), none)]).toEqual([["warning"], []]);
    const down = cond({ hostDown: true });
    expect([levelsMet(down, { kind: "hostDown", down: true }, none), levelsMet(down, { kind: "hostDown", down: false }, none)]).toEqual([
      ["critical"],
      [],
    ]);
  });
});

describe("label matchers", () => {
  it("anchor regular expressions, and treat a missing label as empty", () => {
    const m = compileLabelMatchers({ unit: { matches: "ollama.*" }, env: { notEquals: "dev" }, zone: { oneOf: ["", "a"] } });
    expect(m({ unit: "ollama.service" })).toBe(true);
    expect(m({ unit: "my-ollama.service" })).toBe(false);
    expect(m({ unit: "ollama.service", env: "dev" })).toBe(false);
    expect(m({ unit: "ollama.service", zone: "b" })).toBe(false);
    expect(compileLabelMatchers({ pool: "nvme-fast" })({})).toBe(false);
    expect(compileLabelMatchers({ mountpoint: { notOneOf: ["/boot", "/boot/efi"] } })({ mountpoint: "/" })).toBe(true);
  });
});

describe("annotation templates", () => {
  const values = {
    host: "nas",
    value: 91.456,
    threshold: 85,
    since: Date.parse("2026-11-23T02:00:00.123Z"),
    severity: "warning",
    rule: "pool-capacity",
    state: null,
    labels: { pool: "sata-bulk" },
  };

  it("renders variables, labels, rounded values, times without milliseconds, and N/A for what is missing", () => {
    const t = compileTemplate("{{ labels.pool }} on {{host}}: {{value}} % > {{threshold}} since {{since}} ({{state}}, {{labels.vdev}})");
    expect(t.ok && renderTemplate(t.template, values)).toBe("sata-bulk on nas: 91.46 % > 85 since 2026-11-23T02:00:00Z (N/A, N/A)");
  });

  it("refuses an unknown variable, naming the known ones", () => {
    expect(compileTemplate("{{value}} {{val}}")).toEqual({
      ok: false,
      error: "unknown variable {{val}}; known: host, value, threshold, since, severity, rule, state, labels.<name>",
    });
  });
});
