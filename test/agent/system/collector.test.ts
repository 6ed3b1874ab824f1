import { existsSync, mkdirSync, statfsSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import type { CollectOutcome } from "../../../agent/collectors/collector.ts";
import type { FilesystemBlocks } from "../../../agent/collectors/system/filesystems.ts";
import { createSystemCollector } from "../../../agent/collectors/system/index.ts";
import { seriesNames } from "../../../shared/metrics/catalog.ts";
import { SYSTEM_CATALOG } from "../../../shared/metrics/system.ts";

const SYSTEM_METRICS = seriesNames(SYSTEM_CATALOG);
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { createProcSource } from "../../../agent/collectors/system/read.ts";
import { agentConfigSchema } from "../../../agent/config/schema.ts";
import type { NumericSample } from "../../../shared/protocol/samples.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { procFixture } from "./proc-fixtures.ts";

const EXCLUSIONS = agentConfigSchema.parse({}).collectors.system;
const T0 = 1_767_225_600_000;
const KIB = 1024;

const STAT_1 = procFixture("stat-2cpu-10-columns-jc.txt");
/**
 * STAT_1 ten seconds on. Columns: user nice system idle iowait irq softirq steal guest guest_nice.
 * cpu0: 75 busy (60 user + 15 system) of 200 ticks (100 idle + 25 iowait idle) = 37.5 %.
 * cpu1: 200 busy of 200 (150 user, of which 50 guest, + 10 nice + 40 softirq) = 100 %.
 * cpu (total): 275 busy of 400 = 68.75 %.
 */
const STAT_2 = addToCpuLines(STAT_1, {
  cpu0: [60, 0, 15, 100, 25, 0, 0, 0, 0, 0],
  cpu1: [150, 10, 0, 0, 0, 0, 40, 0, 50, 0],
  cpu: [210, 10, 15, 100, 25, 0, 40, 0, 50, 0],
});

const NET_1 = procFixture("net-dev-docker0-veth-lo-eth0-procfs.txt");
/** NET_1 ten seconds on: eth0 +1 250 000 B in, +500 000 B out; docker0 +4096 B out; the veth's rx counter reset. */
const NET_2 = [
  ["eth0", 1_250_000, 500_000],
  ["docker0", 0, 4096],
  ["vethf345468", -548, 0],
  ["lo", 1_000_000, 1_000_000],
].reduce((text, [device, rx, tx]) => addToInterface(text, device as string, rx as number, tx as number), NET_1);

const MOUNTS = procFixture("mounts-ai-box-nvme-zfs-usb-overmount-escaped-space-hand-written.txt");

/** The fake statfs answers for the mounts that survive the default exclusions. */
const STATFS: Record<string, FilesystemBlocks | "EACCES"> = {
  "/": { bsize: 4096, blocks: 1000, bfree: 300, bavail: 100 },
  "/boot/efi": { bsize: 512, blocks: 2000, bfree: 1500, bavail: 1500 },
  "/tank": "EACCES",
  "/tank/models": { bsize: 131072, blocks: 100, bfree: 50, bavail: 50 },
  "/mnt/model store": { bsize: 4096, blocks: 400, bfree: 100, bavail: 100 },
  "/media/usb": { bsize: 32768, blocks: 1000, bfree: 1000, bavail: 1000 },
};

const BASE_FILES = {
  stat: STAT_1,
  meminfo: procFixture("meminfo-16gb-host-telegraf.txt"),
  loadavg: procFixture("loadavg-node-exporter.txt"),
  uptime: procFixture("uptime-8-core-host-4-days-hand-written.txt"),
  mounts: MOUNTS,
  "net/dev": NET_1,
  "pressure/cpu": procFixture("pressure-cpu-some-only-procfs.txt"),
  "pressure/memory": procFixture("pressure-memory-node-exporter.txt"),
  "pressure/io": procFixture("pressure-io-node-exporter.txt"),
};

const tempDir = useTempDirs();

/** A folder standing in for /proc, holding `files` (relative path -> text). */
function fakeProc(files: Record<string, string>): string {
  const root = tempDir();
  writeFiles(root, files);
  return root;
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [relative, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, relative)), { recursive: true });
    writeFileSync(join(root, relative), text);
  }
}

/** A collector reading `root`, a fake statfs, and a monotonic clock that advances 10 s per reading. */
function collectorFor(root: string) {
  const statfsCalls: string[] = [];
  const statfs = async (path: string) => {
    statfsCalls.push(path);
    const answer = STATFS[path];
    if (answer === undefined) throw new Error(`test: unexpected statfs ${path}`);
    if (answer === "EACCES") throw Object.assign(new Error(`EACCES: permission denied, statfs '${path}'`), { code: "EACCES" });
    return answer;
  };
  let clockMs = 1000;
  const monotonicMs = () => {
    const now = clockMs;
    clockMs += 10_000;
    return now;
  };
  const collector = createSystemCollector({ ...EXCLUSIONS, source: createProcSource({ procRoot: root, statfs }), monotonicMs });
  return { collector, statfsCalls };
}

async function cycle(collector: ReturnType<typeof createSystemCollector>, now: number): Promise<NumericSample[]> {
  const outcome = await collector.collect({ now, signal: new AbortController().signal });
  if (outcome.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(outcome)}`);
  expect(outcome.states).toEqual([]);
  return outcome.samples;
}

/** `name{k="v",...}` -> value, for exact comparisons. */
function byKey(samples: NumericSample[], names?: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of samples) {
    if (names && !names.includes(s.name)) continue;
    const labels = Object.entries(s.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(",");
    out[`${s.name}{${labels}}`] = s.value;
  }
  return out;
}

const RATE_NAMES = [
  SYSTEM_METRICS.cpuUsagePercent,
  SYSTEM_METRICS.networkReceiveBytesPerSecond,
  SYSTEM_METRICS.networkTransmitBytesPerSecond,
];

describe("system collector", () => {
  it("is named system", () => {
    expect(createSystemCollector(EXCLUSIONS).name).toBe("system");
  });

  it("reports the fixtures' values, all stamped with the cycle's time, and no rates on the first cycle", async () => {
    const { collector, statfsCalls } = collectorFor(fakeProc(BASE_FILES));
    const samples = await cycle(collector, T0);

    expect(samples.every((s) => s.timestamp === T0)).toBe(true);
    expect(samples.filter((s) => RATE_NAMES.includes(s.name as (typeof RATE_NAMES)[number]))).toEqual([]);
    const fs = { mountpoint: "", device: "", fstype: "" };
    const fsKey = (name: string, l: typeof fs) => `${name}{mountpoint="${l.mountpoint}",device="${l.device}",fstype="${l.fstype}"}`;
    const root = { mountpoint: "/", device: "/dev/nvme0n1p2", fstype: "ext4" };
    const efi = { mountpoint: "/boot/efi", device: "/dev/nvme0n1p1", fstype: "vfat" };
    const models = { mountpoint: "/tank/models", device: "tank/models", fstype: "zfs" };
    const store = { mountpoint: "/mnt/model store", device: "/dev/sda1", fstype: "ext4" };
    const usb = { mountpoint: "/media/usb", device: "/dev/sdc1", fstype: "exfat" };
    expect(byKey(samples)).toEqual({
      "vigil_load1{}": 0.21,
      "vigil_load5{}": 0.37,
      "vigil_load15{}": 0.39,
      "vigil_memory_total_bytes{}": 16201888 * KIB,
      "vigil_memory_available_bytes{}": 14221924 * KIB,
      "vigil_memory_used_percent{}": ((16201888 * KIB - 14221924 * KIB) / (16201888 * KIB)) * 100,
      "vigil_swap_total_bytes{}": 4194300 * KIB,
      "vigil_swap_used_bytes{}": (4194300 - 4186844) * KIB,
      [fsKey("vigil_filesystem_size_bytes", root)]: 4_096_000,
      [fsKey("vigil_filesystem_avail_bytes", root)]: 409_600,
      [fsKey("vigil_filesystem_used_percent", root)]: 87.5,
      [fsKey("vigil_filesystem_size_bytes", efi)]: 1_024_000,
      [fsKey("vigil_filesystem_avail_bytes", efi)]: 768_000,
      [fsKey("vigil_filesystem_used_percent", efi)]: 25,
      [fsKey("vigil_filesystem_size_bytes", models)]: 13_107_200,
      [fsKey("vigil_filesystem_avail_bytes", models)]: 6_553_600,
      [fsKey("vigil_filesystem_used_percent", models)]: 50,
      [fsKey("vigil_filesystem_size_bytes", store)]: 1_638_400,
      [fsKey("vigil_filesystem_avail_bytes", store)]: 409_600,
      [fsKey("vigil_filesystem_used_percent", store)]: 75,
      [fsKey("vigil_filesystem_size_bytes", usb)]: 32_768_000,
      [fsKey("vigil_filesystem_avail_bytes", usb)]: 32_768_000,
      [fsKey("vigil_filesystem_used_percent", usb)]: 0,
      "vigil_uptime_seconds{}": 350735.47,
      'vigil_pressure_some_avg10_percent{resource="cpu"}': 0.1,
      'vigil_pressure_some_avg10_percent{resource="memory"}': 0,
      'vigil_pressure_full_avg10_percent{resource="memory"}': 0,
      'vigil_pressure_some_avg10_percent{resource="io"}': 0.18,
      'vigil_pressure_full_avg10_percent{resource="io"}': 0.18,
    });
    // statfs only for the mounts kept (the escaped space decoded); /tank's EACCES skipped that mount only.
    expect(statfsCalls.sort()).toEqual(["/", "/boot/efi", "/media/usb", "/mnt/model store", "/tank", "/tank/models"]);
  });

  it("computes exact CPU percentages and byte rates from two cycles' counters", async () => {
    const root = fakeProc(BASE_FILES);
    const { collector } = collectorFor(root);
    await cycle(collector, T0);
    writeFiles(root, { stat: STAT_2, "net/dev": NET_2 });
    const samples = await cycle(collector, T0 + 10_000);

    expect(samples.every((s) => s.timestamp === T0 + 10_000)).toBe(true);
    expect(byKey(samples, RATE_NAMES)).toEqual({
      'vigil_cpu_usage_percent{cpu="total"}': 68.75,
      'vigil_cpu_usage_percent{cpu="0"}': 37.5,
      'vigil_cpu_usage_percent{cpu="1"}': 100,
      'vigil_network_transmit_bytes_per_second{device="vethf345468"}': 0,
      'vigil_network_receive_bytes_per_second{device="docker0"}': 0,
      'vigil_network_transmit_bytes_per_second{device="docker0"}': 409.6,
      'vigil_network_receive_bytes_per_second{device="eth0"}': 125_000,
      'vigil_network_transmit_bytes_per_second{device="eth0"}': 50_000,
    });
    // The reset veth counter gives no receive sample at all (not a 0, not a negative rate); lo is never reported.
    const keys = Object.keys(byKey(samples));
    expect(keys).not.toContain('vigil_network_receive_bytes_per_second{device="vethf345468"}');
    expect(keys.filter((k) => k.includes('device="lo"'))).toEqual([]);
  });

  it("skips rates whose counters went backwards, then resumes from the new readings", async () => {
    const root = fakeProc(BASE_FILES);
    const { collector } = collectorFor(root);
    await cycle(collector, T0);
    writeFiles(root, { stat: STAT_2, "net/dev": NET_2 });
    await cycle(collector, T0 + 10_000);
    writeFiles(root, { stat: STAT_1, "net/dev": NET_1 });
    const afterReset = await cycle(collector, T0 + 20_000);
    expect(byKey(afterReset, RATE_NAMES)).toEqual({
      // Every counter went back except the veth's rx (548 -> 648 B in 10 s) and the unchanged transmit counters.
      'vigil_network_receive_bytes_per_second{device="vethf345468"}': 54.8,
      'vigil_network_transmit_bytes_per_second{device="vethf345468"}': 0,
      'vigil_network_receive_bytes_per_second{device="docker0"}': 0,
    });
    expect(byKey(afterReset)["vigil_load1{}"]).toBe(0.21);
    writeFiles(root, { stat: STAT_2, "net/dev": NET_2 });
    const resumed = await cycle(collector, T0 + 30_000);
    expect(byKey(resumed, [SYSTEM_METRICS.cpuUsagePercent])).toEqual({
      'vigil_cpu_usage_percent{cpu="total"}': 68.75,
      'vigil_cpu_usage_percent{cpu="0"}': 37.5,
      'vigil_cpu_usage_percent{cpu="1"}': 100,
    });
  });

  it("gives no pressure samples and no error without /proc/pressure", async () => {
    const { "pressure/cpu": _c, "pressure/memory": _m, "pressure/io": _i, ...withoutPressure } = BASE_FILES;
    const root = fakeProc(withoutPressure);
    expect(existsSync(join(root, "pressure"))).toBe(false);
    const samples = await cycle(collectorFor(root).collector, T0);
    expect(samples.filter((s) => s.name.startsWith("vigil_pressure_"))).toEqual([]);
    expect(byKey(samples)["vigil_memory_total_bytes{}"]).toBe(16201888 * KIB);
  });

  it("gives no memory-derived guesses on a kernel without MemAvailable", async () => {
    const root = fakeProc({ ...BASE_FILES, meminfo: procFixture("meminfo-3.7gb-no-memavailable-node-exporter.txt") });
    const names = (await cycle(collectorFor(root).collector, T0)).map((s) => s.name);
    expect(names).toContain(SYSTEM_METRICS.memoryTotalBytes);
    expect(names).not.toContain(SYSTEM_METRICS.memoryAvailableBytes);
    expect(names).not.toContain(SYSTEM_METRICS.memoryUsedPercent);
  });

  it("reports only what exists when most files are missing", async () => {
    const samples = await cycle(collectorFor(fakeProc({ stat: STAT_1 })).collector, T0);
    expect(samples).toEqual([]);
  });

  it("is unavailable, naming the path, without /proc/stat", async () => {
    const root = fakeProc({ meminfo: BASE_FILES.meminfo });
    const outcome: CollectOutcome = await collectorFor(root).collector.collect({ now: T0, signal: new AbortController().signal });
    expect(outcome).toEqual({ kind: "unavailable", reason: expect.stringContaining(join(root, "stat")) });
  });

  it("fails the cycle on a garbage file and keeps the previous counters for the next one", async () => {
    const root = fakeProc(BASE_FILES);
    const { collector } = collectorFor(root);
    await cycle(collector, T0);
    writeFiles(root, { stat: STAT_2, meminfo: "<html><body>502 Bad Gateway</body></html>\n" });
    await expect(collector.collect({ now: T0 + 10_000, signal: new AbortController().signal })).rejects.toThrow(ProcParseError);
    writeFiles(root, { meminfo: BASE_FILES.meminfo });
    const samples = await cycle(collector, T0 + 20_000);
    expect(byKey(samples, [SYSTEM_METRICS.cpuUsagePercent])['vigil_cpu_usage_percent{cpu="total"}']).toBe(68.75);
  });

  it("fails the cycle when a file exists but cannot be read", async () => {
    const { meminfo: _m, ...others } = BASE_FILES;
    const root = fakeProc(others);
    // A directory where a file should be: EISDIR is a read failure, not an absent file.
    mkdirSync(join(root, "meminfo"));
    const outcome = collectorFor(root).collector.collect({ now: T0, signal: new AbortController().signal });
    await expect(outcome).rejects.toMatchObject({ code: "EISDIR" });
  });

  it("gives up on a hung statfs when aborted, and does not call it again while it hangs", async () => {
    const root = fakeProc(BASE_FILES);
    let controller = new AbortController();
    const calls: string[] = [];
    const statfs = (path: string) => {
      calls.push(path);
      if (path === "/tank") {
        setImmediate(() => controller.abort(new Error("collector timeout")));
        return new Promise<FilesystemBlocks>(() => {});
      }
      return Promise.resolve({ bsize: 4096, blocks: 10, bfree: 5, bavail: 5 });
    };
    const collector = createSystemCollector({ ...EXCLUSIONS, source: createProcSource({ procRoot: root, statfs }) });
    const first = await collector.collect({ now: T0, signal: controller.signal });
    const mountpoints = (o: CollectOutcome) =>
      o.kind === "ok" ? o.samples.filter((s) => s.name === SYSTEM_METRICS.filesystemSizeBytes).map((s) => s.labels.mountpoint) : [];
    expect(mountpoints(first)).toEqual(["/", "/boot/efi", "/tank/models", "/mnt/model store", "/media/usb"]);

    controller = new AbortController();
    const second = await collector.collect({ now: T0 + 10_000, signal: controller.signal });
    expect(mountpoints(second)).toEqual(["/", "/boot/efi", "/tank/models", "/mnt/model store", "/media/usb"]);
    expect(calls.filter((p) => p === "/tank")).toHaveLength(1);
  });

  it("measures a real mount with the real statfs", async () => {
    const mountPoint = tempDir();
    const root = fakeProc({ stat: STAT_1, mounts: `/dev/test ${mountPoint.replaceAll(" ", "\\040")} ext4 rw,relatime 0 0\n` });
    const collector = createSystemCollector({ excludeFsTypes: [], excludeMountPrefixes: [], source: createProcSource({ procRoot: root }) });
    const samples = await cycle(collector, T0);
    const expected = statfsSync(mountPoint);
    const labels = { mountpoint: mountPoint, device: "/dev/test", fstype: "ext4" };
    expect(samples).toContainEqual({
      name: SYSTEM_METRICS.filesystemSizeBytes,
      labels,
      timestamp: T0,
      value: expected.blocks * expected.bsize,
    });
    expect(expected.blocks).toBeGreaterThan(0);
  });

  it.runIf(process.platform === "linux" && existsSync("/proc/stat"))("reads this host's real /proc", async () => {
    const collector = createSystemCollector(EXCLUSIONS);
    const first = await cycle(collector, Date.now());
    expect(first.find((s) => s.name === SYSTEM_METRICS.memoryTotalBytes)?.value).toBeGreaterThan(0);
    expect(first.filter((s) => s.name === SYSTEM_METRICS.cpuUsagePercent)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 250));
    const second = await cycle(collector, Date.now());
    const total = second.find((s) => s.name === SYSTEM_METRICS.cpuUsagePercent && s.labels.cpu === "total");
    expect(total?.value).toBeGreaterThanOrEqual(0);
    expect(total?.value).toBeLessThanOrEqual(100);
  });
});

/** Adds per-column deltas to the named `cpu*` lines of /proc/stat text. */
function addToCpuLines(text: string, deltas: Record<string, number[]>): string {
  return text
    .split("\n")
    .map((line) => {
      const [key, ...columns] = line.split(/\s+/);
      const delta = key === undefined ? undefined : deltas[key];
      if (delta === undefined) return line;
      return [key, ...columns.map((c, i) => String(Number(c) + (delta[i] ?? 0)))].join(" ");
    })
    .join("\n");
}

/** Adds to one interface's receive and transmit byte counters (columns 1 and 9) in /proc/net/dev text. */
function addToInterface(text: string, device: string, rxDelta: number, txDelta: number): string {
  return text
    .split("\n")
    .map((line) => {
      const m = /^\s*([^:\s]+):\s*(.*)$/.exec(line);
      if (!m || m[1] !== device) return line;
      const columns = (m[2] ?? "").split(/\s+/).map(Number);
      columns[0] = (columns[0] ?? 0) + rxDelta;
      columns[8] = (columns[8] ?? 0) + txDelta;
      return `${device}: ${columns.join(" ")}`;
    })
    .join("\n");
}
