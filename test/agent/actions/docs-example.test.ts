import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ActionCatalog } from "../../../agent/actions/catalog.ts";
import { loadAgentConfig } from "../../../agent/config/load.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { ROOT } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { newKeys } from "./support/requests.ts";

const tempDir = useTempDirs();

/** The catalog docs/actions.md shows, loaded as an agent would load it. */
function docsCatalog(): ActionCatalog {
  const doc = readFileSync(join(ROOT, "docs", "actions.md"), "utf8");
  const block = /<!-- example: agent\.yaml -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1];
  if (block === undefined) throw new Error("docs/actions.md has no agent.yaml example");
  const file = join(tempDir(), "agent.yaml");
  writeFileSync(file, block.replace("ed25519:REPLACE_WITH_THE_HUBS_KEY", formatPublicKey(newKeys().publicKey)));
  return new ActionCatalog(loadAgentConfig({ configFile: file, env: {} }).config.actions.catalog);
}

describe("the catalog in docs/actions.md", () => {
  it("loads, and runs the argv its polkit rule allows for the examples it gives", () => {
    const catalog = docsCatalog();
    const argv = (action: string, params: Record<string, unknown>) => {
      const r = catalog.prepare(action, params);
      if (!r.ok) throw new Error(r.refusal.message);
      return r.value.argv.join(" ");
    };
    expect(argv("restart-unit", { unit: "ollama-gpu.service" })).toBe("/usr/bin/systemctl restart ollama-gpu.service");
    expect(argv("restart-container", { container: "comfyui" })).toBe("/usr/bin/docker restart comfyui");
    expect(argv("zfs-snapshot", { dataset: "nvme-fast/models", name: "vigil-before-upgrade" })).toBe(
      "/usr/sbin/zfs snapshot nvme-fast/models@vigil-before-upgrade",
    );
    expect(argv("zpool-scrub", { pool: "nvme-fast" })).toBe("/usr/bin/systemctl start vigil-zpool-scrub@nvme-fast.service");
    expect(argv("ollama-pull", { model: "llama3.1:8b" })).toBe("/usr/local/bin/ollama pull llama3.1:8b");
    expect(argv("restart-postgres", {})).toBe("/usr/bin/systemctl restart postgresql@16-main.service");
    expect(argv("fallback-timer", { verb: "stop" })).toBe("/usr/bin/systemctl stop predict-fallback.timer");
    expect(catalog.prepare("ollama-pull", { model: "../../x" })).toMatchObject({ ok: false, refusal: { code: "PARAM_INVALID" } });
    expect(catalog.prepare("zfs-snapshot", { dataset: "nvme-fast/models", name: "x y" })).toMatchObject({ ok: false });
    // Nothing goes through sudo: the packaged unit's NoNewPrivileges would make it fail.
    const doc = readFileSync(join(ROOT, "docs", "actions.md"), "utf8");
    expect(/<!-- example: agent\.yaml -->\n```yaml\n([\s\S]*?)```/.exec(doc)?.[1]).not.toMatch(/argv: \[\/usr\/bin\/sudo/);
  });

  it("shows the shipped polkit rule, and that rule allows every systemctl command the catalog runs", () => {
    const doc = readFileSync(join(ROOT, "docs", "actions.md"), "utf8");
    const shipped = readFileSync(join(ROOT, "systemd", "examples", "60-vigil-actions.rules"), "utf8");
    const rule = (text: string) => /^polkit\.addRule[\s\S]*?^\}\);$/m.exec(text)?.[0];
    expect(rule(doc)).toBeDefined();
    expect(rule(doc)).toBe(rule(shipped));
    // Evaluate the rule as polkit would, for each systemctl command of the examples.
    const rules: Array<(action: unknown, subject: unknown) => string> = [];
    const polkit = {
      addRule: (f: (action: unknown, subject: unknown) => string) => void rules.push(f),
      Result: { YES: "yes", NOT_HANDLED: "not handled" },
    };
    new Function("polkit", shipped)(polkit);
    const allowed = (user: string, verb: string, unit: string) =>
      rules[0]?.({ id: "org.freedesktop.systemd1.manage-units", lookup: (k: string) => (k === "unit" ? unit : verb) }, { user });
    const catalog = docsCatalog();
    const examples: Array<[string, Record<string, unknown>]> = [
      ["restart-unit", { unit: "ollama-gpu.service" }],
      ["restart-unit", { unit: "recommender.service" }],
      ["zpool-scrub", { pool: "nvme-fast" }],
      ["restart-postgres", {}],
      ["fallback-timer", { verb: "start" }],
      ["fallback-timer", { verb: "stop" }],
    ];
    for (const [action, params] of examples) {
      const r = catalog.prepare(action, params);
      if (!r.ok) throw new Error(r.refusal.message);
      const [file, verb, unit] = r.value.argv;
      expect(file).toBe("/usr/bin/systemctl");
      expect(allowed("vigil", verb ?? "", unit ?? ""), `${verb} ${unit}`).toBe("yes");
    }
    expect(allowed("vigil", "restart", "sshd.service")).toBe("not handled");
    expect(allowed("vigil", "stop", "ollama-gpu.service")).toBe("not handled");
    expect(allowed("alice", "restart", "ollama-gpu.service")).toBe("not handled");
  });
});
