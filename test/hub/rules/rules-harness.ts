import { writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Hono } from "hono";
import { createHubApp } from "../../../hub/app.ts";
import { loadHubConfig } from "../../../hub/config/load.ts";
import type { HubConfig } from "../../../hub/config/types.ts";
import type { AlertSink, AlertSource } from "../../../hub/notify/alert-sink.ts";
import { HostRegistry } from "../../../hub/registry/host-registry.ts";
import { AlertStore } from "../../../hub/rules/alert-store.ts";
import { type RulesRuntime, startRules } from "../../../hub/rules/start-rules.ts";
import { SilenceMuter } from "../../../hub/silences/silence-muter.ts";
import { SilenceStore } from "../../../hub/silences/silence-store.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import { listen, type RunningServer } from "../../../shared/http/serve.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import type { AlertEvent } from "../../../shared/protocol/alert.ts";
import type { SampleBatch } from "../../../shared/protocol/sample-batch.ts";

export const T0 = 1_790_000_000_000;
export const MIN = 60_000;

/** A sink that keeps what it is given, as the notifier would receive it. */
export class RecordingSink implements AlertSink {
  readonly submitted: Array<{ events: AlertEvent[]; source: AlertSource }> = [];
  submit(events: readonly AlertEvent[], source: AlertSource): void {
    this.submitted.push({ events: [...events], source });
  }
  get events(): AlertEvent[] {
    return this.submitted.flatMap((s) => s.events);
  }
  /** "firing critical gpu-temperature gpu-box {gpu=0}" per event, in order. */
  lines(): string[] {
    return this.events.map((e) => `${e.status} ${e.severity} ${e.rule} ${e.hostId ?? "-"} ${JSON.stringify(e.labels)}`);
  }
  clear(): void {
    this.submitted.length = 0;
  }
}

export interface Observations {
  samples?: Array<{ name: string; labels?: Record<string, string>; value: number; ageMs?: number }>;
  states?: Array<{ name: string; labels?: Record<string, string>; state: string }>;
}

/**
 * The real store, registry, muter and rules runtime over a temp database, with a controllable
 * clock: `push` stores a batch through HubStore.ingest (so evaluation runs through the store's
 * observer hook, as in the hub), `tick` runs the absence check, `restart` reopens everything.
 */
export function rulesHarness(dir: string, yaml = "") {
  const file = join(dir, "hub.yaml");
  const loadConfig = (text: string): HubConfig => {
    writeFileSync(file, text);
    return loadHubConfig({ configFile: file, env: {} }).config;
  };
  let config = loadConfig(yaml);
  const clock = { now: T0 };
  const sink = new RecordingSink();
  const logs: string[] = [];
  const logger = createLogger({ component: "hub", level: "debug", write: (l) => void logs.push(l) });
  const sequences = new Map<string, number>();
  let store!: HubStore;
  let runtime!: RulesRuntime;
  let registry!: HostRegistry;
  let app: Hono | undefined;

  const open = () => {
    store = new HubStore(join(dir, "hub.sqlite"));
    registry = new HostRegistry({ db: store.db, downAfterMissed: config.hosts.downAfterMissedPushes });
    runtime = startRules({
      db: store.db,
      config,
      hosts: (t) => registry.list(t),
      downAfterMs: (h) => registry.heartbeatInterval(h.id, h.pushIntervalMs) * registry.downAfterMissed,
      sink,
      muter: new SilenceMuter(store.db),
      logger,
      now: () => clock.now,
      tickMs: 3_600_000,
    });
    store.onBatchStored(runtime.onBatchStored);
    app = undefined;
  };
  open();
  const hubApp = (): Hono => {
    app ??= createHubApp({ store, config, logger, version: "test", now: () => clock.now });
    return app;
  };

  return {
    clock,
    sink,
    logs,
    get store() {
      return store;
    },
    get engine() {
      return runtime.engine;
    },
    alerts: () => new AlertStore(store.db),
    silences: () => new SilenceStore(store.db),
    /** Advances the clock to T0 + minutes. */
    at(minutes: number) {
      clock.now = T0 + minutes * MIN;
    },
    push(o: Observations, host: { agentId?: string; labels?: Record<string, string> } = {}): void {
      const agentId = host.agentId ?? "gpu-box";
      const sequence = (sequences.get(agentId) ?? 0) + 1;
      sequences.set(agentId, sequence);
      const batch: SampleBatch = {
        host: { agentId, hostname: `${agentId}.lan`, labels: host.labels ?? { site: "home" }, agentVersion: "0.1.0", bootId: "boot-1" },
        sequence,
        sealedAt: clock.now,
        pushIntervalMs: 10_000,
        samples: (o.samples ?? []).map((s) => ({
          name: s.name,
          labels: s.labels ?? {},
          timestamp: clock.now - (s.ageMs ?? 0),
          value: s.value,
        })),
        states: (o.states ?? []).map((s) => ({ name: s.name, labels: s.labels ?? {}, timestamp: clock.now, state: s.state })),
      };
      store.ingest(batch, clock.now);
    },
    tick(): void {
      runtime.tick();
    },
    /** The hub's HTTP app over the same store and clock, called in-process from a peer address (loopback by default). */
    request(path: string, init: RequestInit = {}, peer = "127.0.0.1"): Promise<Response> {
      return Promise.resolve(hubApp().request(path, init, { incoming: { socket: { remoteAddress: peer } } }));
    },
    /** The same app listening on 127.0.0.1 (a free port), for the CLI. */
    serve(): Promise<RunningServer> {
      return listen(hubApp(), "127.0.0.1", 0);
    },
    /** Stops and reopens store and rules on the same database, as a hub restart does; optionally with another config. */
    restart(newYaml?: string): void {
      runtime.stop();
      store.close();
      if (newYaml !== undefined) config = loadConfig(newYaml);
      open();
    },
    close(): void {
      runtime.stop();
      store.close();
    },
  };
}
export type RulesHarness = ReturnType<typeof rulesHarness>;
