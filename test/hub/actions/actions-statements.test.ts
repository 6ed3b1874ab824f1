import { describe, expect, it, vi } from "vitest";
import { ActionStore } from "../../../hub/actions/action-store.ts";
import type { ActionLog } from "../../../shared/actions/api.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { json, makeTestHub, T0 } from "../registry-helpers.ts";

const tempDir = useTempDirs();

const YAML = `
actions:
  operators:
    - { name: alice, token: op-alice-token-3c, role: operator }
`;

/**
 * GET /api/v1/actions prepared its query per request, and each statement held native memory until a
 * rare full collection freed its wrapper: hub RSS grew ~2.3 KiB per request (bench/hub-alerts-memory.ts
 * --path /api/v1/actions). What must stay true is the cause: after the first request of each filter
 * shape, answering prepares nothing.
 */
describe("GET /api/v1/actions under a steady stream", () => {
  it("prepares no statement per request once each filter shape was asked once, and still answers each filter right", async () => {
    const h = makeTestHub(tempDir(), { yaml: YAML });
    // Six requests the hub refused, on two agents, as the audit keeps them.
    const seeded = new ActionStore(h.store.db);
    const asked = [
      ["gpu-box", "restart-unit", { unit: "ollama-gpu.service" }],
      ["nas", "zpool-scrub", { pool: "tank" }],
      ["gpu-box", "restart-unit", { unit: "vllm.service" }],
      ["nas", "restart-unit", { unit: "smbd.service" }],
      ["gpu-box", "reset-gpu", { gpu: "0" }],
      ["gpu-box", "restart-unit", { unit: "ollama-gpu.service" }],
    ] as const;
    asked.forEach(([agentId, action, params], i) => {
      const fields = { requestId: `req-${i + 1}`, agentId, action, params, confirm: false, dryRun: false };
      const request = { ...fields, initiator: "alice", role: "operator", issuedAt: T0 + i, expiresAt: T0 + i + 60_000 };
      seeded.refuse(request, { code: "ACTION_NOT_WHITELISTED", message: `${action} is not in ${agentId}'s catalog` }, T0 + i);
    });

    const paths = [
      "/api/v1/actions",
      "/api/v1/actions?agentId=gpu-box",
      "/api/v1/actions?requestId=req-2",
      "/api/v1/actions?agentId=gpu-box&requestId=req-3&limit=5",
      "/api/v1/actions?agentId=nas&limit=1",
    ];
    const answer = async (path: string) => {
      const res = await h.request(path, { headers: { authorization: "Bearer op-alice-token-3c" } });
      expect(res.status).toBe(200);
      return (await json<ActionLog>(res)).actions.map((a) => `${a.requestId} ${a.agentId} ${a.action} ${a.status} ${a.refusal?.code}`);
    };
    const first = await Promise.all(paths.map(answer));

    const prepare = vi.spyOn(h.store.db, "prepare");
    for (let i = 0; i < 1000; i++) {
      const n = i % paths.length;
      // Cached statements bound with this request's values: the same answer as the first time.
      expect(await answer(paths[n] as string)).toEqual(first[n]);
    }
    expect(prepare).not.toHaveBeenCalled();
    prepare.mockRestore();

    // The filters select what they say, so one shape's statement is not answering for another.
    const [all, gpuBox, req2, gpuReq3, nasNewest] = first;
    expect(all).toEqual([
      "req-6 gpu-box restart-unit refused ACTION_NOT_WHITELISTED",
      "req-5 gpu-box reset-gpu refused ACTION_NOT_WHITELISTED",
      "req-4 nas restart-unit refused ACTION_NOT_WHITELISTED",
      "req-3 gpu-box restart-unit refused ACTION_NOT_WHITELISTED",
      "req-2 nas zpool-scrub refused ACTION_NOT_WHITELISTED",
      "req-1 gpu-box restart-unit refused ACTION_NOT_WHITELISTED",
    ]);
    expect(gpuBox?.map((line) => line.split(" ")[0])).toEqual(["req-6", "req-5", "req-3", "req-1"]);
    expect(req2).toEqual(["req-2 nas zpool-scrub refused ACTION_NOT_WHITELISTED"]);
    expect(gpuReq3).toEqual(["req-3 gpu-box restart-unit refused ACTION_NOT_WHITELISTED"]);
    expect(nasNewest).toEqual(["req-4 nas restart-unit refused ACTION_NOT_WHITELISTED"]);
    h.store.close();
  });
});
