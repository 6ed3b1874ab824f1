import { describe, expect, it } from "vitest";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import type { AgentConfig } from "../../../agent/config/types.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";

function defaults(): AgentConfig {
  return loadConfig({ schema: agentConfigSchema, file: undefined, fileRequired: false, envOverrides: [], env: {} }).config;
}

describe("createCollectors", () => {
  it("schedules the system collector with its configured interval and timeout by default", () => {
    const scheduled = createCollectors(defaults());
    expect(scheduled.map((s) => ({ name: s.collector.name, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs }))).toEqual([
      { name: "system", intervalMs: 10_000, timeoutMs: 5_000 },
    ]);
  });

  it("takes interval and timeout from the config section", () => {
    const config = defaults();
    const scheduled = createCollectors({
      ...config,
      collectors: { system: { ...config.collectors.system, interval: 30_000, timeout: 750 } },
    });
    expect(scheduled[0]).toMatchObject({ intervalMs: 30_000, timeoutMs: 750 });
  });

  it("leaves out a disabled collector", () => {
    const config = defaults();
    expect(createCollectors({ ...config, collectors: { system: { ...config.collectors.system, enabled: false } } })).toEqual([]);
  });
});
