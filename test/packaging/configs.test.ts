import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { z } from "zod";
import { loadAgentConfig } from "../../agent/config/load.ts";
import { agentConfigSchema } from "../../agent/config/schema.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { hubConfigSchema } from "../../hub/config/schema.ts";
import { ROOT } from "../support/processes.ts";

describe("the configs the packages install in /etc/vigil", () => {
  it("agent.yaml: loads as it is, with the packaged data directory, loopback, the local hub", () => {
    const { config } = loadAgentConfig({ configFile: join(ROOT, "packaging", "etc", "agent.yaml"), env: {} });
    expect(config.dataDir).toBe("/var/lib/vigil/agent");
    expect(config.listen).toMatchObject({ host: "127.0.0.1", port: 9471 });
    expect(config.hub.url).toBe("http://127.0.0.1:9470");
    expect(config.hub.token).toBeUndefined();
    // Its mount exclusions add the sandbox's bind mounts to the built-in list, never drop one of it.
    const builtIn = agentConfigSchema.parse({}).collectors.system.excludeMountPrefixes;
    expect(config.collectors.system.excludeMountPrefixes).toEqual([...builtIn, "/tmp", "/var/tmp", "/var/lib/vigil", "/root"]);
  });

  it("hub.yaml: loads as it is, with the packaged data directory, on loopback", () => {
    const { config } = loadHubConfig({ configFile: join(ROOT, "packaging", "etc", "hub.yaml"), env: {} });
    expect(config.dataDir).toBe("/var/lib/vigil/hub");
    expect(config.listen).toMatchObject({ host: "127.0.0.1", port: 9470 });
    expect(config.auth.enrollmentTokens).toEqual([]);
  });
});

/** The YAML blocks of docs/install.md introduced by `<!-- config: agent -->` or `<!-- config: hub -->`. */
function installExamples(): Array<{ program: "agent" | "hub"; yaml: string; line: number }> {
  const text = readFileSync(join(ROOT, "docs", "install.md"), "utf8");
  const found: Array<{ program: "agent" | "hub"; yaml: string; line: number }> = [];
  for (const m of text.matchAll(/<!-- config: (agent|hub) -->\n```yaml\n([\s\S]*?)```/g)) {
    found.push({ program: m[1] as "agent" | "hub", yaml: m[2] ?? "", line: text.slice(0, m.index).split("\n").length });
  }
  return found;
}

describe("the example configs of docs/install.md", () => {
  const examples = installExamples();

  it("are there: the workstation's agent, and the pair's hub and two agents", () => {
    expect(examples.map((e) => e.program)).toEqual(["agent", "hub", "agent", "agent"]);
  });

  it.each(examples)("docs/install.md line $line: a valid $program config", ({ program, yaml }) => {
    const schema: z.ZodType = program === "agent" ? agentConfigSchema : hubConfigSchema;
    const result = schema.safeParse(parse(yaml));
    expect(result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`)).toEqual([]);
  });

  it("the pair's failover group names the agents and the probe its agents define", () => {
    type Hub = { failover: { groups: { predictions: { members: Array<{ host: string; check: { probe?: string } }> } } } };
    type Agent = { agent: { id: string }; collectors: { probes: { probes: Array<{ name: string }> } } };
    const [hubYaml, aYaml, bYaml] = examples.slice(1).map((e) => e.yaml);
    const members = (parse(hubYaml ?? "") as Hub).failover.groups.predictions.members;
    const [a, b] = [parse(aYaml ?? "") as Agent, parse(bYaml ?? "") as Agent];
    expect(members.map((m) => m.host)).toEqual([a.agent.id, b.agent.id]);
    expect(a.collectors.probes.probes.map((p) => p.name)).toContain(members[0]?.check.probe);
  });
});
