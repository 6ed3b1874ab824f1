import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { createHubApp } from "../../../hub/app.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import type { HubConfig } from "../../../hub/config/types.ts";
import type { CheckResult, HealthCheck } from "../../../hub/failover/checks/health-check.ts";
import type { FailoverService } from "../../../hub/failover/failover-service.ts";
import { createFailover } from "../../../hub/failover/register.ts";
import type { ActionRunner } from "../../../hub/failover/switch-actions.ts";
import { createRegistryServices } from "../../../hub/registry/services.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import type { ActionRecord } from "../../../shared/actions/api.ts";
import { listen, type RunningServer } from "../../../shared/http/serve.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { batchEnvelope, type BatchOptions } from "../../support/batches.ts";
import { RecordingSink } from "../rules/rules-harness.ts";

export const T0 = 1_790_000_000_000;

/** The two real patterns: an Ollama endpoint with a CPU fallback, and a prediction job with a fallback job on another host. */
export const GROUPS_YAML = `
failover:
  groups:
    ollama:
      members:
        - name: ollama-gpu
          host: gpu-box
          kind: ollama
          url: http://127.0.0.1:11434
        - name: ollama-cpu
          host: gpu-box
          kind: ollama
          url: http://127.0.0.1:11435
    predictions:
      lease: 60s
      members:
        - name: job-a
          host: box-a
          kind: job
          job: predictions
          check: { kind: freshness, probe: predictions, maxAge: 10m }
        - name: job-b
          host: box-b
          kind: job
          job: predictions-fallback
          check: { kind: freshness, probe: predictions-fallback, maxAge: 10m }
          onActivate: [{ action: start-unit, params: { unit: predictions-fallback.timer } }]
          onDeactivate: [{ action: stop-unit, params: { unit: predictions-fallback.timer } }]
`;

/** Action requests as the failover asked for them. */
export class RecordingActions implements ActionRunner {
  readonly asked: Array<{ operator: string; agentId: string; action: string; params: unknown; reason: string | undefined }> = [];
  async run(
    op: { name: string },
    body: { agentId: string; action: string; params: unknown; reason?: string | undefined },
  ): Promise<ActionRecord> {
    this.asked.push({ operator: op.name, agentId: body.agentId, action: body.action, params: body.params, reason: body.reason });
    return { requestId: `req-${this.asked.length}`, status: "queued" } as ActionRecord;
  }
}

export interface FailoverHarness {
  dir: string;
  app: Hono;
  store: HubStore;
  config: HubConfig;
  clock: { now: number };
  failover: FailoverService;
  sink: RecordingSink;
  actions: RecordingActions;
  logs: string[];
  /** Sets what the next rounds of a member's check answer (default: pass). */
  set(member: string, ok: boolean, detail?: string): void;
  /** One round of checks of the group at the clock's time. */
  round(group: string): Promise<void>;
  /** Rounds every `stepMs` until the clock reaches `untilMs`. */
  runUntil(group: string, untilMs: number, stepMs?: number): Promise<void>;
  /** Stores a batch from an agent, as ingest does (for freshness checks and the registry). */
  push(o: BatchOptions): void;
  request(path: string, init?: RequestInit, peer?: string): Promise<Response>;
  serve(): Promise<RunningServer>;
  /** A new service and app over the same database: a hub restart. */
  restart(): FailoverHarness;
  close(): void;
}

/**
 * The real hub app, store and failover service with a controllable clock. Checks are the real
 * ones when `realChecks` is set, else answers set with `set(member, ok)` per member; notifications
 * and action requests are recorded.
 */
export function failoverHarness(dir: string, yaml: string, o: { realChecks?: boolean; clock?: { now: number } } = {}): FailoverHarness {
  const file = join(dir, "hub.yaml");
  writeFileSync(file, yaml);
  const config = loadHubConfig({ configFile: file, env: {} }).config;
  const clock = o.clock ?? { now: T0 };
  const now = () => clock.now;
  const logs: string[] = [];
  const logger = createLogger({ component: "hub", level: "debug", write: (l) => void logs.push(l) });
  const store = new HubStore(join(dir, "hub.sqlite"));
  const services = createRegistryServices({ db: store.db, config, now });
  const sink = new RecordingSink();
  const actions = new RecordingActions();
  const answers = new Map<string, CheckResult>();
  const fake = (member: string): HealthCheck => ({ run: async () => answers.get(member) ?? { ok: true, detail: "ok" } });
  const failover = createFailover({
    db: store.db,
    config,
    services,
    latest: store,
    sink,
    actions,
    logger,
    now,
    ...(o.realChecks ? {} : { checkFor: (_g: string, m: { name: string }) => fake(m.name) }),
  });
  const app = createHubApp({ store, config, logger, version: "test", now, services, failover });
  let sequence = 0;
  let server: RunningServer | undefined;
  const h: FailoverHarness = {
    dir,
    app,
    store,
    config,
    clock,
    failover,
    sink,
    actions,
    logs,
    set: (member, ok, detail) => void answers.set(member, { ok, detail: detail ?? (ok ? "ok" : "connection refused") }),
    round: async (group) => void (await failover.checkNow(group)),
    async runUntil(group, untilMs, stepMs = config.failover.groups[group]?.check.interval ?? 2000) {
      while (clock.now < untilMs) {
        clock.now += stepMs;
        await h.round(group);
      }
    },
    push(b) {
      sequence++;
      const env = batchEnvelope({ sequence, timestamp: clock.now, ...b }) as { payload: Parameters<HubStore["ingest"]>[0] };
      store.ingest(env.payload, clock.now);
    },
    request: (path, init = {}, peer = "127.0.0.1") =>
      Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: peer } } })),
    async serve() {
      server = await listen(app, "127.0.0.1", 0);
      return server;
    },
    restart() {
      store.close();
      return failoverHarness(dir, yaml, { ...o, clock });
    },
    close() {
      store.close();
    },
  };
  return h;
}
