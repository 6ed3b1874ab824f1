import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getRequestListener } from "@hono/node-server";
import { createHubApp } from "../../hub/app.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { silentLogger } from "../../shared/log/logger.ts";

/** What the next request gets instead of the real hub: a status (with headers), or no answer at all. */
export type Fault = { status: number; headers?: Record<string, string>; body?: string } | { hang: true };

/**
 * The real hub app on 127.0.0.1 behind a switch that answers programmed faults first.
 * `requests` counts every request that reached the server.
 */
export async function startFaultyHub(dir: string, port = 0) {
  const { config } = loadHubConfig({ configFile: undefined, env: {} });
  const store = new HubStore(join(dir, "hub.sqlite"));
  const app = createHubApp({ store, config, logger: silentLogger, version: "test" });
  const real = getRequestListener(app.fetch);
  const faults: Fault[] = [];
  const state = { requests: 0 };
  const server: Server = createServer((req, res) => {
    state.requests++;
    const fault = faults.shift();
    if (!fault) return void real(req, res);
    if ("hang" in fault) return; // never answers; the client must time out
    req.resume();
    res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
    res.end(fault.body ?? JSON.stringify({ error: { code: "FAULT", message: `injected ${fault.status}` } }));
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    store,
    faults,
    state,
    /** Sequences stored per agent, in arrival order of storage. */
    storedSequences: (agentId: string) =>
      store.db
        .prepare("SELECT sequence FROM received_batches WHERE agent_id = ? ORDER BY received_at, sequence")
        .pluck()
        .all(agentId) as number[],
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      store.close();
    },
  };
}
