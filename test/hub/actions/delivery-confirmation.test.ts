import { createServer, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { ActionDelivery } from "../../../hub/actions/action-delivery.ts";
import { hubMigrations } from "../../../hub/store/migrations.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import type { ActionLog, ActionRecord } from "../../../shared/actions/api.ts";
import type { ActionRequest, ActionResult } from "../../../shared/protocol/action.ts";
import { wrap } from "../../../shared/protocol/envelope.ts";
import { openDatabase } from "../../../shared/sqlite/open-database.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { json, makeTestHub, postJson, T0 } from "../registry-helpers.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const AGENT = "agent-gpu-token-77";
const YAML = `
auth:
  agents:
    - { id: gpu-box, token: ${AGENT} }
    - { id: nas, token: agent-nas-token-88 }
actions:
  pollTimeout: 2s
  confirmTimeout: 1s
  operators:
    - { name: alice, token: op-alice-token-3c, role: operator }
`;
const NEXT = "/api/v1/agent/actions/next?agentId=gpu-box";

async function hub() {
  const h = makeTestHub(tempDir(), { yaml: YAML });
  cleanups.push(() => h.store.close());
  expect((await h.push({ agentId: "gpu-box", token: AGENT })).status).toBe(200);
  const auth = (token = AGENT) => ({ headers: { authorization: `Bearer ${token}` } });
  /** Queues a request for gpu-box without waiting for its result. */
  const run = async (body: Record<string, unknown> = {}) =>
    json<ActionRecord>(
      await h.request("/api/v1/actions", postJson({ agentId: "gpu-box", action: "restart-unit", waitMs: 0, ...body }, "op-alice-token-3c")),
    );
  const poll = (query = "&delivery=ack", token = AGENT) => h.request(`${NEXT}${query}`, auth(token));
  const result = (r: ActionResult) => h.request(`/api/v1/agent/actions/${r.requestId}/result`, postJson(wrap("action_result", r), AGENT));
  const log = async () => (await json<ActionLog>(await h.request("/api/v1/actions", auth("op-alice-token-3c")))).actions;
  return { ...h, run, poll, result, log };
}

/** The hub app on a real socket on 127.0.0.1, for clients that misbehave at the TCP level. */
async function listen(h: Awaited<ReturnType<typeof hub>>): Promise<number> {
  const server: Server = createServer(getRequestListener(h.app.fetch));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return (server.address() as AddressInfo).port;
}

function succeeded(req: { requestId: string }, o: Partial<ActionResult> = {}): ActionResult {
  return {
    requestId: req.requestId,
    agentId: "gpu-box",
    action: "restart-unit",
    status: "succeeded",
    argv: ["/usr/bin/systemctl", "restart", "ollama-gpu.service"],
    exitCode: 0,
    stdout: "restarted\n",
    stderr: "",
    outputTruncated: false,
    startedAt: T0 + 20,
    durationMs: 310,
    ...o,
  };
}

async function taken(res: Response): Promise<{ request: ActionRequest; attempt: string | null }> {
  expect(res.status).toBe(200);
  const attempt = res.headers.get("vigil-delivery-attempt");
  return { request: (await json<{ payload: ActionRequest }>(res)).payload, attempt };
}

describe("action delivery confirmed by the agent", () => {
  for (const behaviour of ["never reads its answer", "closes once its answer is written"] as const) {
    it(`hands a request taken by a dead connection (a client that ${behaviour}) to the agent's next poll`, async () => {
      const h = await hub();
      const port = await listen(h);
      const asked = await h.run();

      // A raw TCP client sends the agent's poll and then reads nothing: the hub's write of the answer
      // "succeeds" into the socket buffer, as it does into a half-open connection.
      const raw: Socket = connect(port, "127.0.0.1");
      cleanups.push(() => void raw.destroy());
      raw.on("error", () => {});
      await new Promise<void>((r) => raw.once("connect", () => r()));
      raw.pause();
      if (behaviour === "closes once its answer is written") {
        raw.resume();
        raw.once("data", () => raw.destroy());
      }
      raw.write(`GET ${NEXT}&delivery=ack HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${AGENT}\r\n\r\n`);
      await waitFor("the dead poll to take the request", async () => (await h.log())[0]?.status === "delivered" || undefined, 5000);
      expect((await h.log())[0]).toMatchObject({ requestId: asked.requestId, deliveries: 1, deliveredAt: T0, confirmedAt: null });

      // The real agent's poll, parked before the confirmation window ends, gets the request when it does,
      // not at its poll timeout.
      const t0 = performance.now();
      const second = h.poll();
      h.clock.now = T0 + 1000;
      const { request, attempt } = await taken(await second);
      const waited = performance.now() - t0;
      expect(request.requestId).toBe(asked.requestId);
      expect(attempt).toBe("2");
      expect(waited).toBeGreaterThanOrEqual(900);
      expect(waited).toBeLessThan(1900);
      expect((await h.log())[0]).toMatchObject({ status: "delivered", deliveries: 2, deliveredAt: T0 + 1000, confirmedAt: null });

      // Its next poll acks it: confirmed, and never handed over again.
      h.clock.now = T0 + 1500;
      const ackPoll = h.poll(`&delivery=ack&ack=${asked.requestId}`);
      h.clock.now = T0 + 5000;
      expect((await ackPoll).status).toBe(204);
      expect((await h.log())[0]).toMatchObject({ status: "confirmed", deliveries: 2, confirmedAt: T0 + 1500 });

      expect((await h.result(succeeded(request))).status).toBe(200);
      const log = await h.log();
      expect(log).toHaveLength(1);
      expect(log[0]).toMatchObject({ status: "succeeded", stdout: "restarted\n", deliveries: 2, confirmedAt: T0 + 1500, note: null });
    });
  }

  it("ends a request delivered but never confirmed as expired, saying so, and still takes a late result", async () => {
    const h = await hub();
    const asked = await h.run({ ttlMs: 1000 });
    h.clock.now = T0 + 900;
    const { request, attempt } = await taken(await h.poll());
    expect(attempt).toBe("1");
    // Past its expiry, but the ack of a poll taken in the request's last moment may still be on the way.
    h.clock.now = T0 + 1001;
    expect((await h.log())[0]).toMatchObject({ status: "delivered" });
    h.clock.now = T0 + 1900;
    const [row] = await h.log();
    expect(row).toMatchObject({
      requestId: asked.requestId,
      status: "expired",
      refusedBy: "hub",
      refusal: {
        code: "REQUEST_EXPIRED",
        message:
          "handed to the agent's poll 1 time but not confirmed by the agent before it expired: the answer was lost on the way (is the agent running and reaching the hub?)",
      },
      finishedAt: T0 + 1900,
    });
    // Not handed over again once expired.
    expect((await h.poll()).status).toBe(204);

    // The agent had it after all (only its acks were lost): its result replaces the hub's guess.
    expect((await h.result(succeeded(request))).status).toBe(200);
    const log = await h.log();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: "succeeded", refusedBy: null, refusal: null, exitCode: 0 });
  });

  it("hands a request to an agent that does not confirm (older) once, as before", async () => {
    const h = await hub();
    const asked = await h.run();
    const { attempt } = await taken(await h.poll(""));
    expect(attempt).toBe("1");
    h.clock.now = T0 + 10_000;
    expect((await h.poll("")).status).toBe(204);
    expect((await h.poll()).status).toBe(204);
    expect(await h.log()).toMatchObject([{ requestId: asked.requestId, status: "delivered", deliveries: 1, confirmedAt: null }]);
  });

  it("never lets a replay refusal stand for an open request, and keeps a result sent twice once", async () => {
    const h = await hub();
    await h.run();
    const { request } = await taken(await h.poll());
    expect((await h.poll(`&delivery=ack&ack=${request.requestId}`)).status).toBe(204);
    const replay = succeeded(request, {
      status: "refused",
      refusal: { code: "REQUEST_REPLAYED", message: `request ${request.requestId} was received before` },
      argv: [],
      exitCode: null,
      stdout: "",
      startedAt: T0 + 30,
      durationMs: 0,
    });
    expect((await h.result(replay)).status).toBe(200);
    let [second, first] = await h.log();
    expect(first).toMatchObject({ status: "confirmed", refusal: null });
    expect(second).toMatchObject({
      status: "refused",
      refusal: { code: "REQUEST_REPLAYED" },
      note: expect.stringContaining(`(row ${first?.id})`),
    });

    // The real outcome completes the request's own row, and the same result again changes nothing.
    expect((await h.result(succeeded(request))).status).toBe(200);
    expect(await json<ActionRecord>(await h.result(succeeded(request)))).toMatchObject({ id: first?.id, status: "succeeded" });
    const log = await h.log();
    expect(log).toHaveLength(2);
    [second, first] = log;
    expect(first).toMatchObject({ status: "succeeded", stdout: "restarted\n", note: null });
    expect(second).toMatchObject({ status: "refused", refusal: { code: "REQUEST_REPLAYED" } });
  });

  it("confirms only what was handed to the acking agent, and refuses malformed acks", async () => {
    const h = await hub();
    await h.push({ agentId: "nas", token: "agent-nas-token-88" });
    const asked = await h.run();
    const { request } = await taken(await h.poll());
    const nas = await h.request(`/api/v1/agent/actions/next?agentId=nas&delivery=ack&ack=${request.requestId}`, {
      headers: { authorization: "Bearer agent-nas-token-88" },
    });
    expect(nas.status).toBe(204);
    expect((await h.log())[0]).toMatchObject({ requestId: asked.requestId, status: "delivered", confirmedAt: null });

    const bad = await h.poll("&delivery=ack&ack=not-a-request-id");
    expect(bad.status).toBe(400);
    expect((await json<{ error: { code: string; field: string } }>(bad)).error).toMatchObject({ code: "ACTION_ACK_INVALID", field: "ack" });
  });

  it("migrates requests delivered before confirmation existed as handed over once, never again", () => {
    const dir = tempDir();
    const file = join(dir, "hub.sqlite");
    const before = openDatabase(file, hubMigrations.slice(0, 9));
    before.exec(
      `INSERT INTO action_requests (request_id, agent_id, action, params, confirm, dry_run, initiator, role, issued_at, expires_at,
         status, delivered_at, envelope)
       VALUES ('3f0b1d1e-7f0c-4d55-9f5e-2d8c6c1f0a11', 'gpu-box', 'restart-unit', '{}', 0, 0, 'user:alice', 'operator', ${T0},
         ${T0 + 120_000}, 'delivered', ${T0}, NULL)`,
    );
    before.close();
    const store = new HubStore(file);
    cleanups.push(() => store.close());
    const delivery = new ActionDelivery(store.db, { confirmTimeoutMs: 1000 });
    expect(delivery.takeNext("gpu-box", T0 + 60_000, true)).toBeUndefined();
    expect(store.db.prepare("SELECT status, deliveries, confirmed_at FROM action_requests").get()).toEqual({
      status: "delivered",
      deliveries: 1,
      confirmed_at: null,
    });
  });
});
