import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../../hub/cli/run.ts";
import { alertFingerprint } from "../../../hub/rules/fingerprint.ts";
import type { RunningServer } from "../../../shared/http/serve.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type RulesHarness, rulesHarness } from "./rules-harness.ts";

const tempDir = useTempDirs();
let h: RulesHarness | undefined;
let server: RunningServer | undefined;
afterEach(async () => {
  await server?.close();
  h?.close();
  server = undefined;
  h = undefined;
});

/** The real hub app on 127.0.0.1 over a store where sata-bulk is DEGRADED and the GPU has been hot for 5 minutes. */
async function hub(): Promise<RulesHarness> {
  const t = rulesHarness(tempDir(), "");
  h = t;
  const round = (temp: number) =>
    t.push({
      samples: [{ name: "vigil_gpu_temperature_celsius", labels: { gpu: "0", uuid: "GPU-1", name: "RTX 4090" }, value: temp }],
      states: [{ name: "vigil_zfs_pool_health", labels: { pool: "sata-bulk" }, state: "DEGRADED" }],
    });
  round(86.25);
  t.at(5);
  round(85);
  server = await t.serve();
  return t;
}

async function vigil(t: RulesHarness, argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, { env: { VIGIL_HUB_URL: server?.url ?? "" }, io, now: () => t.clock.now + 30_000, version: "9.9.9" });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("vigil alerts", () => {
  it("prints firing and pending alerts with value, age and summary", async () => {
    const t = await hub();
    const gpu = alertFingerprint("gpu-temperature", "gpu-box", { gpu: "0", name: "RTX 4090", uuid: "GPU-1" });
    const pool = alertFingerprint("pool-not-online", "gpu-box", { pool: "sata-bulk" });
    const r = await vigil(t, ["alerts"]);
    expect(r).toEqual({
      code: 0,
      stdout: [
        "FINGERPRINT        STATE    SEVERITY   RULE              HOST      VALUE      SINCE     SUMMARY",
        `${pool}   firing   critical   pool-not-online   gpu-box   DEGRADED   5m ago    ZFS pool sata-bulk on gpu-box is DEGRADED`,
        `${gpu}   firing   warning    gpu-temperature   gpu-box   85         30s ago   GPU 0 on gpu-box at 85 °C`,
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("shows one alert with its history, and the newest transitions with --history", async () => {
    const t = await hub();
    const gpu = alertFingerprint("gpu-temperature", "gpu-box", { gpu: "0", name: "RTX 4090", uuid: "GPU-1" });
    const one = await vigil(t, ["alerts", gpu]);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain("Rule:            gpu-temperature\n");
    expect(one.stdout).toContain("Condition since: 5m ago (2026-09-21T14:13:20Z)\n");
    expect(one.stdout).toContain("description:     RTX 4090 (GPU 0) on gpu-box is at 85 °C, above 83 °C since 2026-09-21T14:13:20Z.\n");
    expect(one.stdout).toContain("History (2):");
    expect(one.stdout).toMatch(
      /\n2026-09-21T14:18:20Z {3}gpu-temperature {3}gpu-box {3}gpu=0,name=RTX 4090,uuid=GPU-1 {3}pending -> firing +fired +warning +85 +firing\n/,
    );
    const history = await vigil(t, ["alerts", "--history"]);
    expect(history.stdout.split("\n")[0]).toMatch(/^TIME +RULE +HOST +LABELS +TRANSITION +REASON +SEVERITY +VALUE +NOTIFIED$/);
    expect(history.stdout.split("\n")).toHaveLength(5);
  });

  it("--state resolved after recovery, --json passes the hub's body, and a bad state is the hub's error (exit 1)", async () => {
    const t = await hub();
    t.at(6);
    t.push({ states: [{ name: "vigil_zfs_pool_health", labels: { pool: "sata-bulk" }, state: "ONLINE" }] });
    const resolved = await vigil(t, ["alerts", "--state", "resolved"]);
    expect(resolved.stdout).toMatch(/^FINGERPRINT.*\n[0-9a-f]{16} {3}resolved {3}critical {3}pool-not-online /);
    const json = await vigil(t, ["--json", "alerts", "--rule", "gpu-temperature"]);
    expect(JSON.parse(json.stdout)).toMatchObject({ alerts: [{ rule: "gpu-temperature", state: "firing" }], history: [] });
    const bad = await vigil(t, ["alerts", "--state", "burning"]);
    expect(bad).toMatchObject({ code: 1, stdout: "" });
    expect(bad.stderr).toContain("error ALERTS_QUERY: state: expected pending, firing, resolved, active, all");
    expect((await vigil(t, ["alerts", "--state", "firing", "--host", "nas"])).stdout).toBe("No firing alerts.\n");
  });
});
