import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CollectorScheduler } from "../../agent/collectors/scheduler.ts";
import { Router } from "../../agent/http/router.ts";
import { AgentStore } from "../../agent/store/agent-store.ts";
import { registerPullRoutes } from "../../agent/transport/pull-routes.ts";
import { BatchSealer } from "../../agent/transport/sealer.ts";
import { createLogger, silentLogger } from "../../shared/log/logger.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const HOST = { agentId: "gpu-box", hostname: "gpu-box", labels: {}, agentVersion: "0.1.0", bootId: "boot-1" };
const T0 = 1_790_000_000_000;
/** The database was made again while the clock was an hour behind the old one's start. */
const MADE_AT = T0 - 3_600_000;

let store: AgentStore | undefined;
afterEach(() => {
  store?.close();
  store = undefined;
});

/** A pulling agent's /api/v1/samples over a database whose three batches are numbered below what the hub stored. */
function behindTheHub() {
  const s = new AgentStore(join(tempDir(), "agent.sqlite"), { now: () => MADE_AT });
  store = s;
  const sealer = new BatchSealer({ store: s, host: HOST, pushIntervalMs: 10_000, outboxMaxBytes: 100_000_000, logger: silentLogger });
  for (const value of [0.4, 1.2, 3.5]) {
    s.recordObservations({ samples: [{ name: "vigil_load1", labels: {}, timestamp: T0, value }], states: [] }, T0);
    sealer.seal({ heartbeat: false });
  }
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ component: "agent", write: (l) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  const scheduler = new CollectorScheduler({ collectors: [], sink: () => {}, logger: silentLogger });
  const app = new Router();
  const counters = { pullBatchesServed: 0 };
  registerPullRoutes(app, { store: s, scheduler, sealer, host: HOST, pullMode: true, staleAfterMs: 300_000, counters, logger });
  const pull = async (after: number) => {
    const reply = await app.handle({
      method: "GET",
      path: "/api/v1/samples",
      query: new URLSearchParams({ after: String(after) }),
      header: () => undefined,
    });
    expect(reply.status).toBe(200);
    const page = JSON.parse(String(reply.body)) as { payload: { batches: Array<{ sequence: number; samples: Array<{ value: number }> }> } };
    return page.payload.batches.map((b) => [b.sequence, b.samples[0]?.value]);
  };
  return { pull, lines };
}

describe("a pulling hub's after= past every sequence this database issued", () => {
  it("is logged once, as a warning with the old and the new range, and plain acknowledgements after it are not", async () => {
    const { pull, lines } = behindTheHub();
    const hubAfter = T0 + 5;
    expect(await pull(hubAfter)).toEqual([
      [hubAfter + 1, 0.4],
      [hubAfter + 2, 1.2],
      [hubAfter + 3, 3.5],
    ]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: "warn",
      msg: "a pulling hub asked past every batch this database numbered: the waiting batches were renumbered after it",
      hubAfter,
      batches: 3,
      oldRange: `${MADE_AT}..${MADE_AT + 2}`,
      newRange: `${hubAfter + 1}..${hubAfter + 3}`,
      previousNextSequence: MADE_AT + 3,
      nextSequence: hubAfter + 4,
    });

    // The hub stored the first, then the rest: ordinary acknowledgements, nothing more said.
    expect(await pull(hubAfter + 1)).toEqual([
      [hubAfter + 2, 1.2],
      [hubAfter + 3, 3.5],
    ]);
    expect(await pull(hubAfter + 3)).toEqual([]);
    expect(await pull(hubAfter + 3)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(store?.outbox.stats().batches).toBe(0);
  });

  it("is logged for an empty outbox too, with no range, as the next sequence still moves past the hub's", async () => {
    const { pull, lines } = behindTheHub();
    expect(await pull(MADE_AT + 2)).toEqual([]);
    expect(lines).toEqual([]);
    expect(await pull(T0)).toEqual([]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", hubAfter: T0, batches: 0, oldRange: null, newRange: null, nextSequence: T0 + 1 });
  });
});
