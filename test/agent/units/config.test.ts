import { describe, expect, it } from "vitest";
import { unitsCollectorSchema } from "../../../agent/collectors/units/config.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";

describe("collectors.units config", () => {
  it("is enabled by default with no configured unit, reporting failed units through systemctl on PATH", () => {
    expect(agentConfigSchema.parse({}).collectors.units).toEqual({
      enabled: true,
      interval: 15_000,
      timeout: 10_000,
      units: [],
      reportFailed: true,
      systemctl: "systemctl",
      exitCheckInterval: 100,
    });
  });

  it("takes exitCheckInterval 0 (the exit watch off) or at least 10ms", () => {
    expect(unitsCollectorSchema.parse({ exitCheckInterval: "0s" }).exitCheckInterval).toBe(0);
    expect(unitsCollectorSchema.parse({ exitCheckInterval: "50ms" }).exitCheckInterval).toBe(50);
    for (const bad of ["5ms", "1m", "soon"]) {
      const result = unitsCollectorSchema.safeParse({ exitCheckInterval: bad });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["exitCheckInterval"]);
    }
    expect(unitsCollectorSchema.safeParse({ exitCheckInterval: "5ms" }).error?.issues[0]?.message).toBe(
      'expected 0 (off) or a duration of at least "10ms"',
    );
  });

  it("takes names, globs, escaped names and durations", () => {
    const config = unitsCollectorSchema.parse({
      units: [
        "ollama-gpu.service",
        "ollama-*.service",
        "postgresql",
        "dev-disk-by\\x2dlabel-models.device",
        "getty@tty1.service",
        "vllm-[ab].service",
      ],
      interval: "30s",
      timeout: "5s",
      systemctl: "/usr/bin/systemctl",
    });
    expect(config.units).toHaveLength(6);
    expect(config).toMatchObject({ interval: 30_000, timeout: 5_000, systemctl: "/usr/bin/systemctl" });
  });

  it.each([["--user"], ["ollama gpu.service"], [""], ["postgresql.service;reboot"], ["a".repeat(257)]])(
    "refuses %j, naming the entry and what is expected",
    (bad) => {
      const result = unitsCollectorSchema.safeParse({ units: ["postgresql.service", bad] });
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.path).toEqual(["units", 1]);
      expect(result.error?.issues[0]?.message).toMatch(/^expected a unit name or glob such as "postgresql.service"/);
    },
  );

  it("refuses unknown keys (a typo must not pass silently)", () => {
    expect(unitsCollectorSchema.safeParse({ unit: ["postgresql.service"] }).success).toBe(false);
  });
});
