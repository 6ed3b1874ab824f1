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
  it("loads, and runs the argv its sudoers lines allow for the examples it gives", () => {
    const catalog = docsCatalog();
    const argv = (action: string, params: Record<string, unknown>) => {
      const r = catalog.prepare(action, params);
      if (!r.ok) throw new Error(r.refusal.message);
      return r.value.argv.join(" ");
    };
    expect(argv("restart-unit", { unit: "ollama-gpu.service" })).toBe("/usr/bin/sudo -n /usr/bin/systemctl restart ollama-gpu.service");
    expect(argv("restart-container", { container: "comfyui" })).toBe("/usr/bin/sudo -n /usr/bin/docker restart comfyui");
    expect(argv("zfs-snapshot", { dataset: "nvme-fast/models", name: "vigil-before-upgrade" })).toBe(
      "/usr/sbin/zfs snapshot nvme-fast/models@vigil-before-upgrade",
    );
    expect(argv("zpool-scrub", { pool: "nvme-fast" })).toBe("/usr/bin/sudo -n /usr/sbin/zpool scrub nvme-fast");
    expect(argv("ollama-pull", { model: "llama3.1:8b" })).toBe("/usr/local/bin/ollama pull llama3.1:8b");
    expect(argv("restart-postgres", {})).toBe("/usr/bin/sudo -n /usr/bin/systemctl restart postgresql@16-main.service");
    expect(argv("fallback-timer", { verb: "stop" })).toBe("/usr/bin/sudo -n /usr/bin/systemctl stop fallback-inference.timer");
    expect(catalog.prepare("ollama-pull", { model: "../../x" })).toMatchObject({ ok: false, refusal: { code: "PARAM_INVALID" } });
    expect(catalog.prepare("zfs-snapshot", { dataset: "nvme-fast/models", name: "x y" })).toMatchObject({ ok: false });
  });

  it("has a sudoers line for every argv it runs through sudo", () => {
    const doc = readFileSync(join(ROOT, "docs", "actions.md"), "utf8");
    const sudoers = doc
      .slice(doc.indexOf("# Vigil agent actions"), doc.indexOf("```", doc.indexOf("# Vigil agent actions")))
      .replace(/\\\n\s*/g, "");
    const catalog = docsCatalog();
    const examples: Array<[string, Record<string, unknown>]> = [
      ["restart-unit", { unit: "ollama-gpu.service" }],
      ["restart-unit", { unit: "recommender.service" }],
      ["restart-container", { container: "open-webui" }],
      ["zpool-scrub", { pool: "nvme-fast" }],
      ["restart-postgres", {}],
      ["fallback-timer", { verb: "start" }],
    ];
    for (const [action, params] of examples) {
      const r = catalog.prepare(action, params);
      if (!r.ok) throw new Error(r.refusal.message);
      const command = r.value.argv.slice(2).join(" ");
      expect(sudoers, command).toContain(command);
    }
  });
});
