import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createCollectors } from "../../../agent/collectors/registry.ts";
import { CommandFailedError } from "../../../shared/process/run-command.ts";
import { createZfsSource } from "../../../agent/collectors/zfs/exec.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import type { AgentConfig } from "../../../agent/config/types.ts";
import { loadConfig } from "../../../shared/config/load-config.ts";
import { writeFakeBin } from "../../support/fake-bin.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();

function defaults(): AgentConfig {
  return loadConfig({ schema: agentConfigSchema, file: undefined, fileRequired: false, envOverrides: [], env: {} }).config;
}

describe("collectors.zfs config", () => {
  it("has defaults that need no ZFS: on, 30 s cycles, snapshots every 15 m, tools found on PATH", () => {
    expect(defaults().collectors.zfs).toEqual({
      enabled: true,
      interval: 30_000,
      timeout: 20_000,
      zpoolPath: "zpool",
      zfsPath: "zfs",
      kstatDir: "/proc/spl/kstat/zfs",
      datasets: true,
      excludeDatasets: [],
      snapshots: { enabled: true, interval: 900_000, timeout: 120_000 },
      listErrorFiles: false,
    });
    const zfs = createCollectors(defaults()).find((c) => c.collector.name === "zfs");
    expect(zfs).toMatchObject({ intervalMs: 30_000, timeoutMs: 20_000 });
  });

  it("names the path and the expected value of a bad setting, and refuses unknown keys", () => {
    const bad = agentConfigSchema.safeParse({ collectors: { zfs: { snapshots: { interval: "10s" }, zpoolPath: "" } } });
    expect(bad.success).toBe(false);
    const issues = bad.error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    expect(issues).toContain("collectors.zfs.snapshots.interval: expected a duration of at least 1m");
    expect(issues).toContain("collectors.zfs.zpoolPath: expected the name or path of an executable");
    expect(agentConfigSchema.safeParse({ collectors: { zfs: { snapshot: false } } }).success).toBe(false);
  });
});

describe("createZfsSource", () => {
  it("does not start a command again while its previous run has not exited", async () => {
    const bin = tempDir();
    writeFakeBin(bin, "zpool", [{ sleepSeconds: 30 }]);
    const source = createZfsSource({ zpoolPath: join(bin, "zpool"), zfsPath: join(bin, "zfs"), kstatDir: join(bin, "kstat") });
    const hung = source.run("zpool", ["status", "-p"], { timeoutMs: 1500 }).catch((err: unknown) => err);
    const second = await source.run("zpool", ["status", "-p"], { timeoutMs: 1500 }).catch((err: unknown) => err);
    expect(second).toBeInstanceOf(CommandFailedError);
    expect((second as Error).message).toMatch(
      /zpool status -p: its previous run \(started \d+ s ago\) has not exited yet, so it was not started again/,
    );
    expect(((await hung) as Error).message).toMatch(/zpool status -p: killed after 1500 ms \(timeout\)/);
  });

  it("reads no kstats where there are none", async () => {
    const source = createZfsSource({ zpoolPath: "zpool", zfsPath: "zfs", kstatDir: join(tempDir(), "absent") });
    expect(await source.readKstat("arcstats")).toBeUndefined();
    expect(await source.readPoolStateFiles()).toEqual(new Map());
  });
});
