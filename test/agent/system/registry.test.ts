import { describe, expect, it } from "vitest";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import type { AgentConfig } from "../../../agent/config/types.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";

function defaults(): AgentConfig {
  return loadConfig({ schema: agentConfigSchema, file: undefined, fileRequired: false, envOverrides: [], env: {} }).config;
}

type Sections = AgentConfig["collectors"];

function scheduledTimes(config: AgentConfig) {
  return createCollectors(config).map((s) => ({ name: s.collector.name, intervalMs: s.intervalMs, timeoutMs: s.timeoutMs }));
}

describe("createCollectors", () => {
  it("schedules every collector enabled by default, each with its own section's interval and timeout", () => {
    const config = defaults();
    const sections = config.collectors as Record<string, { enabled: boolean; interval: number; timeout: number }>;
    const expected = Object.entries(sections)
      .filter(([, section]) => section.enabled)
      .map(([name, section]) => ({ name, intervalMs: section.interval, timeoutMs: section.timeout }));
    expect(scheduledTimes(config)).toEqual(expected);
    expect(scheduledTimes(config)).toContainEqual({ name: "system", intervalMs: 10_000, timeoutMs: 5_000 });
  });

  it("takes interval and timeout from the config section", () => {
    const config = defaults();
    const collectors: Sections = { ...config.collectors, system: { ...config.collectors.system, interval: 30_000, timeout: 750 } };
    expect(scheduledTimes({ ...config, collectors }).find((s) => s.name === "system")).toEqual({
      name: "system",
      intervalMs: 30_000,
      timeoutMs: 750,
    });
  });

  it("leaves out a disabled collector and keeps the others", () => {
    const config = defaults();
    const collectors: Sections = { ...config.collectors, system: { ...config.collectors.system, enabled: false } };
    const names = scheduledTimes({ ...config, collectors }).map((s) => s.name);
    expect(names).not.toContain("system");
    expect(names).toEqual(
      scheduledTimes(config)
        .map((s) => s.name)
        .filter((n) => n !== "system"),
    );
  });
});
