import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { vi } from "vitest";
import { loadHubConfig } from "../../../hub/config/load.ts";
import type { HubConfig } from "../../../hub/config/types.ts";
import type { RunActionBody } from "../../../hub/actions/hub-actions.ts";
import type { Operator } from "../../../hub/actions/operator-auth.ts";
import { createRemediation } from "../../../hub/remediation/register.ts";
import type { RemediationRunner, RemediationService } from "../../../hub/remediation/remediation-service.ts";
import { HostRegistry } from "../../../hub/registry/host-registry.ts";
import { type RulesRuntime, startRules } from "../../../hub/rules/start-rules.ts";
import { SilenceMuter } from "../../../hub/silences/silence-muter.ts";
import { SilenceStore } from "../../../hub/silences/silence-store.ts";
import { HubStore } from "../../../hub/store/hub-store.ts";
import type { ActionRecord } from "../../../shared/actions/api.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import type { SampleBatch } from "../../../shared/protocol/sample-batch.ts";
import type { Db } from "../../../shared/sqlite/open-database.ts";
import { RecordingSink } from "../rules/rules-harness.ts";

export const T0 = 1_790_000_000_000;
export const UNIT = "ollama-gpu.service";

/** The hub.yaml the tests start from: restart-unit allowed, the built-in unit-failed rule remediating with it. */
export const BASE_YAML = `
remediation:
  actions:
    restart-unit: { risk: caution }
builtinRules:
  unit-failed:
    cooldown: 0s
    remediation: { action: restart-unit, params: { unit: "{{labels.unit}}" } }
`;

/** What the agent answers, per request in order; a request past the list succeeds. */
export type ScriptedResult = Partial<ActionRecord> | Error;

/** Stands in for HubActions.run: records what was asked and answers from a script, at once or when released. */
export class FakeRunner implements RemediationRunner {
  readonly calls: Array<{ op: Operator; body: RunActionBody }> = [];
  readonly script: ScriptedResult[] = [];
  hold = false;
  readonly #held: Array<() => void> = [];

  run(op: Operator, body: RunActionBody): Promise<ActionRecord> {
    this.calls.push({ op, body });
    const next = this.script.shift() ?? {};
    const answer = () => (next instanceof Error ? Promise.reject(next) : Promise.resolve(record(this.calls.length, body, op, next)));
    if (!this.hold) return answer();
    return new Promise((resolve, reject) => this.#held.push(() => answer().then(resolve, reject)));
  }

  release(): void {
    for (const r of this.#held.splice(0)) r();
  }
}

function record(n: number, body: RunActionBody, op: Operator, o: Partial<ActionRecord>): ActionRecord {
  return {
    id: n,
    requestId: `00000000-0000-4000-8000-${String(n).padStart(12, "0")}`,
    agentId: body.agentId,
    action: body.action,
    params: body.params,
    reason: body.reason ?? null,
    confirm: body.confirm,
    dryRun: body.dryRun,
    initiator: op.initiator ?? `user:${op.name}`,
    role: op.role,
    issuedAt: T0,
    expiresAt: T0 + 120_000,
    status: "succeeded",
    refusedBy: null,
    refusal: null,
    argv: ["/usr/bin/systemctl", "restart", String(body.params.unit)],
    exitCode: 0,
    stdout: "",
    stderr: "",
    outputTruncated: false,
    startedAt: T0,
    durationMs: 420,
    deliveredAt: T0,
    finishedAt: T0,
    note: null,
    ...o,
  };
}

/**
 * The real store, rules engine, muter and remediation service over a temp database, with a fake
 * action runner, a recording sink and a controllable clock. Timers are vitest's fake timers:
 * `advance(ms)` moves the clock and runs what came due. `push` stores a batch as ingest does.
 */
export function remediationHarness(dir: string, yaml = BASE_YAML, makeRunner?: (db: Db) => RemediationRunner) {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
  const file = join(dir, "hub.yaml");
  const clock = { now: T0 };
  const sink = new RecordingSink();
  const runner = new FakeRunner();
  const logs: string[] = [];
  const logger = createLogger({ component: "hub", level: "debug", write: (l) => void logs.push(l) });
  let sequence = 0;
  let store!: HubStore;
  let rules!: RulesRuntime;
  let service!: RemediationService;

  const open = (text: string) => {
    writeFileSync(file, text);
    const config: HubConfig = loadHubConfig({ configFile: file, env: {} }).config;
    store = new HubStore(join(dir, "hub.sqlite"));
    const registry = new HostRegistry({ db: store.db, downAfterMissed: 3 });
    const muter = new SilenceMuter(store.db);
    const remediation = createRemediation({
      db: store.db,
      config,
      runner: makeRunner?.(store.db) ?? runner,
      sink,
      muter,
      logger,
      now: () => clock.now,
    });
    service = remediation.service;
    rules = startRules({
      db: store.db,
      config,
      hosts: (t) => registry.list(t),
      downAfterMs: () => 30_000,
      sink,
      muter,
      logger,
      now: () => clock.now,
      tickMs: 3_600_000,
      hook: service,
    });
    service.start(rules.engine.alerts);
    store.onBatchStored(rules.onBatchStored);
  };
  open(yaml);

  return {
    clock,
    sink,
    runner,
    logs,
    get service() {
      return service;
    },
    get store() {
      return store;
    },
    silences: () => new SilenceStore(store.db),
    /** The unit's active state as the agent would report it now. */
    unit(state: string, unit = UNIT, agentId = "gpu-box"): void {
      const batch: SampleBatch = {
        host: { agentId, hostname: `${agentId}.lan`, labels: {}, agentVersion: "0.1.0", bootId: "boot-1" },
        sequence: ++sequence,
        sealedAt: clock.now,
        pushIntervalMs: 1000,
        samples: [],
        states: [{ name: "vigil_unit_active_state", labels: { unit }, timestamp: clock.now, state }],
      };
      store.ingest(batch, clock.now);
    },
    /** Moves the clock and runs the timers (and the promises they settle) that came due. */
    async advance(ms: number): Promise<void> {
      clock.now += ms;
      await vi.advanceTimersByTimeAsync(ms);
    },
    /** Lets settled promises (the runner's answers) run. */
    async settle(): Promise<void> {
      await vi.advanceTimersByTimeAsync(0);
    },
    tick(): void {
      rules.tick();
    },
    /** The events handed to the notifier, as "status severity rule labels | remediation annotation". */
    notified(): string[] {
      return sink.events.map(
        (e) => `${e.status} ${e.severity} ${e.rule} ${JSON.stringify(e.labels)} | ${e.annotations.remediation ?? "-"}`,
      );
    },
    restart(text = yaml): void {
      service.stop();
      rules.stop();
      store.close();
      open(text);
    },
    close(): void {
      service.stop();
      rules.stop();
      store.close();
      vi.useRealTimers();
    },
  };
}
export type RemediationHarness = ReturnType<typeof remediationHarness>;
