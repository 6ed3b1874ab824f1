import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadAgentConfig } from "../../agent/config/load.ts";
import { parseByteSize } from "../../agent/store/store-config.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();

describe("the agent's store, mode and enrollment settings", () => {
  it("have documented defaults", () => {
    const { config } = loadAgentConfig({ configFile: undefined, env: {} });
    expect(config.store).toEqual({ samplesRetention: 7 * 86_400_000, samplesMaxBytes: 200_000_000, outboxMaxBytes: 100_000_000 });
    expect(config.hub).toMatchObject({ mode: "push", drainRate: 20 });
    expect(config.hub.enrollmentToken).toBeUndefined();
  });

  it("read sizes in bytes, decimal and binary units", () => {
    expect(parseByteSize("200MB")).toBe(200_000_000);
    expect(parseByteSize("1.5GiB")).toBe(1.5 * 1024 ** 3);
    expect(parseByteSize("512 KiB")).toBe(524_288);
    expect(parseByteSize("64kB")).toBe(64_000);
    expect(parseByteSize(4096)).toBe(4096);
    expect(parseByteSize("4096")).toBe(4096);
    for (const bad of ["lots", "10 MBs", "-5MB", "", "1e6"]) expect(parseByteSize(bad), bad).toBeNull();
    expect(parseByteSize(-1)).toBeNull();
  });

  it("name the file, the path and what was expected when wrong", () => {
    const file = join(tempDir(), "agent.yaml");
    writeFileSync(
      file,
      "hub:\n  mode: both\n  drainRate: 0\nstore:\n  outboxMaxBytes: lots\n  samplesMaxBytes: 1000\n  samplesRetention: 5m\n  outboxMaxAge: 1d\n",
    );
    let message = "";
    try {
      loadAgentConfig({ configFile: file, env: {} });
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain(`${file}: 6 problems`);
    expect(message).toContain('hub.mode: expected "push" or "pull"');
    expect(message).toContain("hub.drainRate:");
    expect(message).toContain('store.outboxMaxBytes: expected a size such as "200MB", "1GiB" or a number of bytes, got the string "lots"');
    expect(message).toContain("store.samplesMaxBytes: expected a size of at least 1MB, got number 1000");
    expect(message).toContain("store.samplesRetention: expected a duration of at least 1h");
    expect(message).toContain("store.outboxMaxAge: is not a known key");
  });

  it("take the enrollment token and the mode from the environment, the token as a secret", () => {
    const { config } = loadAgentConfig({
      configFile: undefined,
      env: { VIGIL_ENROLLMENT_TOKEN: "enroll-secret-e7c1a9", VIGIL_HUB_MODE: "pull" },
    });
    expect(config.hub.mode).toBe("pull");
    expect(config.hub.enrollmentToken?.reveal()).toBe("enroll-secret-e7c1a9");
    expect(JSON.stringify(config.hub)).not.toContain("enroll-secret-e7c1a9");
  });
});
