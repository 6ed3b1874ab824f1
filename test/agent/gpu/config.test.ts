import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function load(yaml: string) {
  const file = join(tempDir(), "agent.yaml");
  writeFileSync(file, yaml);
  return loadConfig({ schema: agentConfigSchema, file, fileRequired: true, envOverrides: [], env: {} }).config;
}

describe("collectors.gpu config", () => {
  it("is on by default: nvidia-smi from PATH every 10 s, 8 s per cycle, processes and -q -x", () => {
    const config = load("agent:\n  id: box\n");
    expect(config.collectors.gpu).toEqual({
      enabled: true,
      interval: 10_000,
      timeout: 8_000,
      nvidiaSmiPath: "nvidia-smi",
      processes: true,
      xml: true,
    });
    const gpu = createCollectors(config).find((s) => s.collector.name === "gpu");
    expect(gpu).toMatchObject({ intervalMs: 10_000, timeoutMs: 8_000 });
  });

  it("takes a path, an interval and switches", () => {
    const config = load("collectors:\n  gpu:\n    nvidiaSmiPath: /usr/bin/nvidia-smi\n    interval: 30s\n    processes: false\n");
    expect(config.collectors.gpu).toMatchObject({ nvidiaSmiPath: "/usr/bin/nvidia-smi", interval: 30_000, processes: false, xml: true });
  });

  it("a disabled section schedules no gpu collector", () => {
    const config = load("collectors:\n  gpu:\n    enabled: false\n");
    expect(createCollectors(config).map((s) => s.collector.name)).not.toContain("gpu");
  });

  it("names the file, the path and what was expected", () => {
    expect(() => load("collectors:\n  gpu:\n    nvidiaSmiPath: ''\n")).toThrow(
      "collectors.gpu.nvidiaSmiPath: expected the nvidia-smi executable's name or path",
    );
    expect(() => load("collectors:\n  gpu:\n    timeout: 5ms\n")).toThrow("collectors.gpu.timeout: expected a duration of at least 100ms");
    expect(() => load("collectors:\n  gpu:\n    nvidia_smi: /usr/bin/nvidia-smi\n")).toThrow(
      /agent\.yaml: collectors\.gpu\.nvidia_smi: is not a known key \(check the spelling\)/,
    );
  });
});
