import { afterEach, describe, expect, it } from "vitest";
import { runCli } from "../../../hub/cli/run.ts";
import type { RunningServer } from "../../../shared/http/serve.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML, T0 } from "./harness.ts";

const tempDir = useTempDirs();
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function hub(): Promise<{ h: FailoverHarness; server: RunningServer }> {
  const h = failoverHarness(tempDir(), GROUPS_YAML);
  cleanup.push(() => h.close());
  const server = await h.serve();
  cleanup.push(() => server.close());
  return { h, server };
}

async function vigil(h: FailoverHarness, server: RunningServer, argv: string[]) {
  const io = captureIo();
  const code = await runCli(argv, { env: { VIGIL_HUB_URL: server.url }, io, now: () => h.clock.now, version: "9.9.9" });
  return { code, stdout: io.stdout(), stderr: io.stderr() };
}

describe("vigil failover", () => {
  it("lists the groups", async () => {
    const { h, server } = await hub();
    h.set("ollama-gpu", false, "/api/version: connection refused");
    await h.runUntil("ollama", T0 + 6_000);
    h.clock.now = T0 + 66_000;
    expect(await vigil(h, server, ["failover"])).toEqual({
      code: 0,
      stdout: [
        "GROUP         ACTIVE       HOST      EPOCH   SINCE     STATE       PIN",
        "ollama        ollama-cpu   gpu-box   2       60s ago   available   -",
        "predictions   job-a        box-a     1       66s ago   available   -",
        "",
      ].join("\n"),
      stderr: "",
    });
  });

  it("shows one group's members and switches", async () => {
    const { h, server } = await hub();
    h.set("ollama-gpu", false, "/api/version: connection refused");
    await h.runUntil("ollama", T0 + 6_000);
    const r = await vigil(h, server, ["failover", "ollama"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        "Group:     ollama",
        "Active:    ollama-cpu on gpu-box, epoch 2, since 2026-09-21T14:13:26Z (just now)",
        "Reason:    ollama-gpu failed 3 checks in a row (/api/version: connection refused)",
        "State:     available",
        "Pin:       -",
        "Policy:    failback auto, hub unreachable: primary-runs, lease 10s",
        "",
        "MEMBER         HOST      KIND     ROLE       STATUS   CHECKS     LAST CHECK   DETAIL",
        "ollama-gpu     gpu-box   ollama   primary    down     3 failed   just now     /api/version: connection refused",
        "ollama-cpu *   gpu-box   ollama   fallback   up       3 passed   just now     ok",
        "",
        "History (newest first):",
        "EPOCH   AT                     FROM         TO           CAUSE      REASON",
        "2       2026-09-21T14:13:26Z   ollama-gpu   ollama-cpu   failover   ollama-gpu failed 3 checks in a row (/api/version: connection refused)",
        "1       2026-09-21T14:13:20Z   -            ollama-gpu   initial    ollama-gpu is the primary",
        "",
      ].join("\n"),
    );
  });

  it("pins a member for a while and unpins it", async () => {
    const { h, server } = await hub();
    const pinned = await vigil(h, server, [
      "failover",
      "ollama",
      "--pin",
      "ollama-cpu",
      "--for",
      "2h",
      "--reason",
      "driver upgrade",
      "--author",
      "ana",
    ]);
    expect(pinned.code).toBe(0);
    expect(pinned.stdout).toContain("Pinned.\n\nGroup:     ollama\nActive:    ollama-cpu on gpu-box, epoch 2");
    expect(pinned.stdout).toContain("Pin:       ollama-cpu until 2026-09-21T16:13:20Z (in 2h)");
    expect(h.failover.status("ollama").pin).toEqual({ member: "ollama-cpu", until: T0 + 7_200_000, by: "ana", reason: "driver upgrade" });
    const unpinned = await vigil(h, server, ["failover", "ollama", "--unpin"]);
    expect(unpinned.code).toBe(0);
    expect(unpinned.stdout).toContain("Unpinned.");
    expect(h.failover.status("ollama").pin).toBeNull();
  });

  it("refuses a pin without an end or a group, and names an unknown group or member", async () => {
    const { h, server } = await hub();
    expect(await vigil(h, server, ["failover", "ollama", "--pin", "ollama-cpu"])).toEqual({
      code: 2,
      stdout: "",
      stderr: "vigil: give one of --for and --until: a pin always ends\nRun 'vigil help failover' for usage.\n",
    });
    expect((await vigil(h, server, ["failover", "--unpin"])).code).toBe(2);
    expect(await vigil(h, server, ["failover", "ollamma"])).toEqual({
      code: 1,
      stdout: "",
      stderr: 'error FAILOVER_GROUP_NOT_FOUND: no failover group "ollamma" in the hub\'s config (field: group)\n',
    });
    const member = await vigil(h, server, ["failover", "ollama", "--pin", "ollama-tpu", "--until", "1h"]);
    expect(member.code).toBe(1);
    expect(member.stderr).toBe(
      'error FAILOVER_MEMBER_UNKNOWN: group ollama has no member "ollama-tpu" (members: ollama-gpu, ollama-cpu) (field: member)\n',
    );
  });
});
