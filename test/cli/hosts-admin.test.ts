import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createHubApp } from "../../hub/app.ts";
import { runCli } from "../../hub/cli/run.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { listen, type RunningServer } from "../../shared/http/serve.ts";
import { silentLogger } from "../../shared/log/logger.ts";
import { GPU_CATALOG } from "../../shared/metrics/gpu.ts";
import { ZFS_CATALOG } from "../../shared/metrics/zfs.ts";
import { batchEnvelope, type BatchOptions } from "../support/batches.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { captureIo } from "./support/capture.ts";

const tempDir = useTempDirs();
let server: RunningServer | undefined;
let store: HubStore | undefined;
afterEach(async () => {
  await server?.close();
  store?.close();
  server = undefined;
  store = undefined;
});

/** The real hub on 127.0.0.1 (so admin calls come from loopback), its clock a little after the batches'. */
async function startHub(env: Record<string, string> = {}) {
  const { config } = loadHubConfig({ configFile: undefined, env });
  store = new HubStore(join(tempDir(), "hub.sqlite"));
  const now = 1_790_000_005_000;
  server = await listen(createHubApp({ store, config, logger: silentLogger, version: "test", now: () => now }), "127.0.0.1", 0);
  const url = server.url;
  const push = async (o: BatchOptions, token?: string) =>
    (
      await fetch(`${url}/api/v1/ingest`, {
        method: "POST",
        body: JSON.stringify(batchEnvelope(o)),
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
      })
    ).status;
  const vigil = async (argv: string[], extraEnv: Record<string, string> = {}) => {
    const io = captureIo();
    const code = await runCli(argv, { env: { VIGIL_HUB_URL: url, ...extraEnv }, io, now: () => now, version: "test" });
    return { code, stdout: io.stdout(), stderr: io.stderr() };
  };
  return { url, push, vigil };
}

describe("vigil hosts add | revoke | remove against the real hub", () => {
  it("issues a token once, which the agent pushes with; refuses a second; revokes; removes", async () => {
    const hub = await startHub();
    const added = await hub.vigil(["hosts", "add", "gpu-7"]);
    expect(added.code).toBe(0);
    const token = /^ {2}(vigil_agent_\S+)$/m.exec(added.stdout)?.[1];
    expect(token).toBeDefined();
    expect(added.stdout).toContain("Token for agent gpu-7 (shown once; the hub keeps only its hash):");
    expect(await hub.push({ agentId: "gpu-7" }, token)).toBe(200);
    expect(await hub.push({ agentId: "gpu-7", sequence: 2 })).toBe(401);

    const again = await hub.vigil(["hosts", "add", "gpu-7"]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^error AGENT_ALREADY_ENROLLED: agent "gpu-7" already holds a token; revoke it first/);

    const listed = await hub.vigil(["hosts"]);
    expect(listed.stdout.split("\n")[1]).toMatch(/^gpu-7\s+gpu-box\.lan\s+up\s+just now\s+0\.1\.0\s+site=home$/);

    expect(await hub.vigil(["hosts", "revoke", "gpu-7"])).toEqual({
      code: 0,
      stdout: "Revoked the token of gpu-7: it can no longer push to the hub.\n",
      stderr: "",
    });
    expect(await hub.vigil(["hosts", "remove", "gpu-7"])).toEqual({
      code: 0,
      stdout: "Removed gpu-7: deleted it and its data, it held no token.\n",
      stderr: "",
    });
    const gone = await hub.vigil(["host", "gpu-7"]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain("error HOST_NOT_FOUND");
  });

  it("with auth.adminTokens, needs --token or VIGIL_TOKEN, and hints at it", async () => {
    const hub = await startHub({ VIGIL_ADMIN_TOKENS: "adm-31c9" });
    const without = await hub.vigil(["hosts", "add", "gpu-8"]);
    expect(without.code).toBe(1);
    expect(without.stderr).toBe(
      "error ADMIN_TOKEN_MISSING: this call needs an admin token (auth.adminTokens): send 'Authorization: Bearer <token>'\n" +
        "hint: the hub wants a token: pass --token or set VIGIL_TOKEN\n",
    );
    const withEnv = await hub.vigil(["hosts", "add", "gpu-8", "--json"], { VIGIL_TOKEN: "adm-31c9" });
    expect(withEnv.code).toBe(0);
    expect(JSON.parse(withEnv.stdout)).toMatchObject({ agentId: "gpu-8", token: expect.stringMatching(/^vigil_agent_/) });
    expect(withEnv.stdout + withEnv.stderr).not.toContain("adm-31c9");
  });
});

describe("vigil host <id> against the real hub", () => {
  it("shows the typed views built from what the agent pushed", async () => {
    const hub = await startHub();
    const gpu = { gpu: "0", uuid: "GPU-8f3c", name: "NVIDIA GeForce RTX 4090" };
    expect(
      await hub.push({
        agentId: "gpu-box",
        samples: [
          { name: GPU_CATALOG.series.temperatureCelsius.name, labels: gpu, value: 71 },
          { name: GPU_CATALOG.series.memoryUsedBytes.name, labels: gpu, value: 8 * 1024 ** 3 },
          { name: GPU_CATALOG.series.memoryTotalBytes.name, labels: gpu, value: 24 * 1024 ** 3 },
          { name: ZFS_CATALOG.series.poolCapacityPercent.name, labels: { pool: "nvme-fast" }, value: 86 },
        ],
        states: [{ name: ZFS_CATALOG.states.poolHealth.name, labels: { pool: "nvme-fast" }, state: "ONLINE" }],
      }),
    ).toBe(200);
    const r = await hub.vigil(["host", "gpu-box"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Mode:           push\n");
    expect(r.stdout).toContain("0     NVIDIA GeForce RTX 4090   71°C   -      8 GiB / 24 GiB   -       -     -\n");
    expect(r.stdout).toContain("nvme-fast   ONLINE   -      -       86%   -      -      -\n");
  });
});
