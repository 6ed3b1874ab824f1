import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { agentConfigSchema } from "../../agent/config/schema.ts";
import { hubConfigSchema } from "../../hub/config/schema.ts";
import { loadConfig } from "../../shared/config/load-config.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import { batchEnvelope } from "../support/batches.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

function write(yaml: string): string {
  const file = join(tempDir(), "c.yaml");
  writeFileSync(file, yaml);
  return file;
}
const loadAgent = (yaml: string) => () =>
  loadConfig({ schema: agentConfigSchema, file: write(yaml), fileRequired: true, envOverrides: [], env: {} });
const loadHub = (yaml: string) => () =>
  loadConfig({ schema: hubConfigSchema, file: write(yaml), fileRequired: true, envOverrides: [], env: {} });

describe("config messages a person can act on", () => {
  it("treats a section left empty (all children commented out) as absent", () => {
    const { config } = loadAgent("hub:\n#  url: http://x\ncollectors:\n  system:\n")();
    expect(config.hub.url).toBe("http://127.0.0.1:9470");
    expect(config.collectors.system.interval).toBe(10_000);
  });

  it("names the accepted types when a value's type fits no alternative", () => {
    expect(loadAgent("hub:\n  pushInterval: true\n")).toThrow("hub.pushInterval: expected string or number, got boolean true");
    expect(loadAgent("hub:\n  token: 12345\n")).toThrow("hub.token: expected string or object, got number 12345");
  });

  it("says a duration's minimum plainly", () => {
    expect(loadAgent("hub:\n  timeout: 5ms\n")).toThrow("hub.timeout: expected a duration of at least 100ms");
  });

  it("does not describe the whole config as the bad value of a cross-field rule", () => {
    const run = loadHub("listen: 0.0.0.0:9470\n");
    expect(run).toThrow("auth.agentTokens: at least one agent token is required when listening on 0.0.0.0 (beyond loopback)");
    expect(run).not.toThrow(/got an object/);
  });
});

describe("protocol names", () => {
  it("refuses a label named __proto__, which would vanish from a parsed object", () => {
    const parsed = parseEnvelope(
      "sample_batch",
      JSON.parse(JSON.stringify(batchEnvelope()).replace('"labels":{}', '"labels":{"__proto__":"x"}')),
    );
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]?.path).toBe("payload.samples[0].labels.__proto__");
  });
});
