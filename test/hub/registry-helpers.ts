import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { createHubApp } from "../../hub/app.ts";
import { loadHubConfig } from "../../hub/config/load.ts";
import type { HubConfig } from "../../hub/config/types.ts";
import { HubStore } from "../../hub/store/hub-store.ts";
import { createRegistryServices, type RegistryServices } from "../../hub/registry/services.ts";
import { createLogger, type Logger } from "../../shared/log/logger.ts";
import { batchEnvelope, type BatchOptions } from "../support/batches.ts";

/** The tests' clock: 2026-09-21T... ms, a little after the batches' default timestamp. */
export const T0 = 1_790_000_005_000;

export interface TestHub {
  app: Hono;
  store: HubStore;
  config: HubConfig;
  services: RegistryServices;
  logs: string[];
  clock: { now: number };
  /** POST /api/v1/ingest a batch, with an optional bearer token. */
  push(o?: BatchOptions & { token?: string }): Promise<Response>;
  /** A request as if from a peer address (loopback by default), as @hono/node-server passes it. */
  request(path: string, init?: RequestInit, peer?: string): Promise<Response>;
}

/** The real hub app over a fresh database, with config from a YAML text (written to a temp file) or env. */
export function makeTestHub(dir: string, opts: { env?: Record<string, string>; yaml?: string } = {}): TestHub {
  let configFile: string | undefined;
  if (opts.yaml !== undefined) {
    configFile = join(dir, "hub.yaml");
    writeFileSync(configFile, opts.yaml);
  }
  const { config } = loadHubConfig({ configFile, env: opts.env ?? {} });
  const store = new HubStore(join(dir, "hub.sqlite"));
  const clock = { now: T0 };
  const logs: string[] = [];
  const logger: Logger = createLogger({ component: "hub", level: "debug", write: (l) => void logs.push(l) });
  const services = createRegistryServices({ db: store.db, config, now: () => clock.now });
  const app = createHubApp({ store, config, logger, version: "test", now: () => clock.now, services });
  const request = (path: string, init: RequestInit = {}, peer = "127.0.0.1") =>
    Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: peer } } }));
  const push = (o: BatchOptions & { token?: string } = {}) =>
    request("/api/v1/ingest", {
      method: "POST",
      body: JSON.stringify(batchEnvelope(o)),
      headers: { "content-type": "application/json", ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) },
    });
  return { app, store, config, services, logs, clock, push, request };
}

export async function json<T = Record<string, unknown>>(res: Response): Promise<T> {
  return (await res.json()) as T;
}

export function postJson(body: unknown, token?: string): RequestInit {
  return {
    method: "POST",
    body: typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
  };
}
