/**
 * The three hosts of `npm run demo` and of the dashboard's browser tests (test/ui/): real agents
 * whose tools are fake executables printing the recorded outputs in test/fixtures/ (the same
 * writeFakeBin the collector tests use). Each is labelled `demo=true`, which the dashboard shows as a
 * "demo data" banner. Run from the sources (node's type stripping): the fixtures are read in place.
 */
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHelpQueryGpu } from "../agent/collectors/gpu/parse-help-query.ts";
import { COMPUTE_APP_FIELDS, selectGpuFields } from "../agent/collectors/gpu/query-fields.ts";
import { projectCsvFixture, smiFixturePath } from "../test/agent/gpu/smi-fixtures.ts";
import { type FakeCase, writeFakeBin } from "../test/support/fake-bin.ts";

const FIXTURES = join(import.meta.dirname, "..", "test", "fixtures");
const fixture = (folder: string, file: string) => join(FIXTURES, folder, file);

/** A sh case pattern matching exactly these arguments (the fake's patterns are pasted into sh, where a space ends a word). */
const exactly = (args: string) => `'${args}'`;
/** A sh case pattern matching arguments that start with `prefix`. */
const startsWith = (prefix: string) => `"${prefix}"*`;

/** nvidia-smi of an H100 under load on driver 590, exactly as the gpu collector test fakes it. */
function nvidiaSmiCases(): FakeCase[] {
  const help = "h100-80gb-hbm3-help-query-gpu-driver590.48.01.txt";
  const fields = selectGpuFields(parseHelpQueryGpu(readFileSync(smiFixturePath(help), "utf8")), new Set()).map(([, name]) => name);
  const format = "--format=csv,noheader,nounits";
  return [
    { args: "--help-query-gpu", stdoutFile: smiFixturePath(help) },
    {
      args: exactly(`--query-gpu=${fields.join(",")} ${format}`),
      stdout: projectCsvFixture("h100-80gb-hbm3-load-allfields-driver590.48.01.csv", fields),
    },
    {
      args: exactly(`--query-compute-apps=${COMPUTE_APP_FIELDS.join(",")} ${format}`),
      stdout: projectCsvFixture("h100-80gb-hbm3-load-query-compute-apps-driver590.48.01.csv", COMPUTE_APP_FIELDS),
    },
    { args: exactly("-q -x"), stdoutFile: smiFixturePath("rtx-a5000-2gpu-2processes-driver590.44.01.xml") },
  ];
}

const ZPOOL_LIST_ARGS = exactly("list -Hp -o name,health,size,alloc,free,fragmentation,capacity,dedupratio");

/**
 * Rows of a real `zpool list` (FreeNAS, telegraf's test data) renamed to the pools of a real
 * `zpool status`: no stored capture has both commands from one machine, and a host whose pools
 * have a health but no capacity (or the reverse) would make a confusing demo.
 */
function zpoolListRows(renames: Record<string, string>): string {
  const text = readFileSync(fixture("zfs", "zpool-list-H-o-name-health-size-alloc-free-frag-cap-dedup-freenas-4pools.txt"), "utf8");
  return text
    .split("\n")
    .map((line) => line.split("\t"))
    .filter(([name]) => name !== undefined && renames[name] !== undefined)
    .map(([name, ...rest]) => [renames[name as string], ...rest].join("\t"))
    .join("\n")
    .concat("\n");
}

/** zpool and zfs printing one status capture; datasets and snapshots are off in the config, so zfs is never asked. */
function writeZfsTools(bin: string, statusFile: string, renames: Record<string, string>, scrubPool?: string): void {
  const status = readFileSync(fixture("zfs", statusFile), "utf8").replace(/^TEST_TIMESTAMP=\d+\n/, "");
  writeFakeBin(bin, "zpool", [
    { args: exactly("status -p"), stdout: status },
    { args: ZPOOL_LIST_ARGS, stdout: zpoolListRows(renames) },
    ...(scrubPool === undefined ? [] : [{ args: exactly(`scrub ${scrubPool}`), stdout: "" }]),
  ]);
  writeFakeBin(bin, "zfs", [{ stdout: "" }]);
}

const SYSTEMD = (file: string) => fixture("systemd", file);

/** The 11 units of the systemd 252 capture, in the order its `show` printed them (the collector asks in config order). */
const GPU_BOX_UNITS = [
  "ollama-gpu.service",
  "ollama-cpu.service",
  "postgresql.service",
  "recommender.service",
  "model-sync.service",
  "vllm.service",
  "gpu-exporter.service",
  "comfyui.service",
  "old-runner.service",
  "ollama-rocm.service",
  "recommender.timer",
];

export interface DemoHostContext {
  /** This host's own folder (fake tools, data, files its probes read). */
  dir: string;
  hubUrl: string;
  /** How often collectors run and batches are pushed, e.g. "1s". */
  interval: string;
}

export interface DemoHost {
  id: string;
  /** What it stands for, printed by the demo. */
  role: string;
  /** Writes its fake tools and files, and returns the `collectors:` section (and `actions:` when given a key) of its agent.yaml. */
  prepare(ctx: DemoHostContext, hubPublicKey: string | undefined): string;
}

const zfsSection = (bin: string, dir: string, interval: string) =>
  `  zfs: { interval: ${slowest(interval, "5s")}, zpoolPath: ${bin}/zpool, zfsPath: ${bin}/zfs, kstatDir: ${join(dir, "kstat")}, datasets: false, snapshots: { enabled: false } }\n`;

/** The longer of two durations written like "1s" and "5s" (the zfs collector runs at most every 5 s). */
function slowest(a: string, b: string): string {
  const ms = (d: string) => Number.parseFloat(d) * (d.endsWith("ms") ? 1 : d.endsWith("m") ? 60_000 : 1000);
  return ms(a) >= ms(b) ? a : b;
}

/** A GPU inference box: H100, two healthy pools, a nerdctl container, 11 units of which 3 failed, probes of the hub. */
export const GPU_BOX: DemoHost = {
  id: "gpu-box",
  role: "GPU inference box: nvidia-smi (H100), ZFS (two ONLINE pools), nerdctl, systemd units",
  prepare(ctx, hubPublicKey) {
    const bin = join(ctx.dir, "bin");
    writeFakeBin(bin, "nvidia-smi", nvidiaSmiCases());
    writeZfsTools(bin, "zpool-status-2pools-online-raidz1-mirror-scrub-repaired-1M.txt", { red1: "pool0", temp1: "pool1" }, "pool0");
    writeFakeBin(bin, "nerdctl", [
      { args: "*\\ ps\\ *", stdoutFile: fixture("containers", "nerdctl-ps-json-1-running-compose-finch.jsonl") },
      { args: "*\\ container\\ inspect\\ *", stdoutFile: fixture("containers", "nerdctl-v2-inspect-running-runc-nym-localnet.json") },
    ]);
    writeFakeBin(bin, "systemctl", [
      {
        args: startsWith("list-units --state=failed"),
        stdoutFile: SYSTEMD("systemctl-list-units-state-failed-plain-three-failed-systemd252.txt"),
      },
      { args: startsWith("show --timestamp=unix"), stdoutFile: SYSTEMD("systemctl-show-p-11props-timestamp-unix-11-units-systemd252.txt") },
    ]);
    mkdirSync(join(ctx.dir, "kstat"), { recursive: true });
    const collectors =
      `collectors:\n` +
      `  system: { interval: ${ctx.interval} }\n` +
      `  gpu: { interval: ${ctx.interval}, nvidiaSmiPath: ${bin}/nvidia-smi }\n` +
      zfsSection(bin, ctx.dir, ctx.interval) +
      `  containers: { interval: ${ctx.interval}, runtimes: [{ kind: nerdctl, binary: ${bin}/nerdctl }] }\n` +
      `  units: { interval: ${ctx.interval}, systemctl: ${bin}/systemctl, units: [${GPU_BOX_UNITS.join(", ")}] }\n` +
      `  probes:\n    interval: ${ctx.interval}\n    probes:\n` +
      `      - { kind: http, name: hub-health, url: "${ctx.hubUrl}/healthz", timeout: 500ms }\n`;
    if (hubPublicKey === undefined) return collectors;
    return (
      collectors +
      `actions:\n  hubPublicKey: "${hubPublicKey}"\n  catalog:\n` +
      `    zpool-scrub:\n      risk: safe\n      argv: [${bin}/zpool, scrub, "{pool}"]\n      params:\n        pool: { type: enum, values: [pool0] }\n      target: "pool:{pool}"\n`
    );
  },
};

/** The CPU fallback box: no GPU (nvidia-smi missing: the collector says unavailable), ollama-cpu running, a stale model sync. */
export const CPU_BOX: DemoHost = {
  id: "cpu-box",
  role: "CPU fallback box: no GPU, ollama-cpu.service, a freshness probe of a stale file",
  prepare(ctx) {
    const bin = join(ctx.dir, "bin");
    writeFakeBin(bin, "systemctl", [
      { args: startsWith("list-units --state=failed"), stdoutFile: SYSTEMD("systemctl-list-units-state-failed-none-systemd252.txt") },
      {
        args: startsWith("show --timestamp=unix"),
        stdoutFile: SYSTEMD("systemctl-show-p-4props-service-loaded-active-running-enabled-rocky9.txt"),
      },
    ]);
    // Synced two days ago, expected hourly: the freshness probe reports it stale.
    const synced = join(ctx.dir, "model-sync.stamp");
    writeFileSync(synced, "");
    const twoDaysAgo = (Date.now() - 2 * 86_400_000) / 1000;
    utimesSync(synced, twoDaysAgo, twoDaysAgo);
    return (
      `collectors:\n` +
      `  system: { interval: ${ctx.interval} }\n` +
      `  gpu: { interval: ${ctx.interval}, nvidiaSmiPath: ${join(bin, "nvidia-smi")} }\n` +
      `  zfs: { enabled: false }\n` +
      `  containers: { enabled: false }\n` +
      `  units: { interval: ${ctx.interval}, systemctl: ${bin}/systemctl, units: [ollama-cpu.service] }\n` +
      `  probes:\n    interval: ${ctx.interval}\n    probes:\n` +
      `      - { kind: http, name: hub-health, url: "${ctx.hubUrl}/healthz", timeout: 500ms }\n` +
      `      - { kind: freshness, name: model-sync, source: { file: ${synced} }, maxAge: 1h, timeout: 500ms }\n`
    );
  },
};

/** A NAS whose raidz1 is DEGRADED and resilvering onto a replacement disk. */
export const NAS: DemoHost = {
  id: "nas",
  role: "NAS: the raidz1 pool sata-bulk DEGRADED, resilvering (a disk with read and write errors)",
  prepare(ctx) {
    const bin = join(ctx.dir, "bin");
    writeZfsTools(bin, "zpool-status-resilver-in-progress-replacing-hand-made.txt", { temp1: "sata-bulk" });
    mkdirSync(join(ctx.dir, "kstat"), { recursive: true });
    return (
      `collectors:\n` +
      `  system: { interval: ${ctx.interval} }\n` +
      `  gpu: { enabled: false }\n` +
      zfsSection(bin, ctx.dir, ctx.interval) +
      `  containers: { enabled: false }\n` +
      `  units: { enabled: false }\n` +
      `  probes: { enabled: false }\n`
    );
  },
};

export const DEMO_HOSTS: readonly DemoHost[] = [GPU_BOX, CPU_BOX, NAS];
