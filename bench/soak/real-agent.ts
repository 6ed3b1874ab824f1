/**
 * One real vigil-agent (dist/agent/main.js) in the soak, for what only a real agent does: it runs
 * signed actions, and refuses a captured request replayed to it (its nonce store), auditing the refusal
 * on both ends. It talks to the hub through an ActionRelay, which captures each delivered request and
 * replays it. Its catalog has one action that runs /bin/true, so a replay that ran would show as an
 * extra "succeeded" row in its audit.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { stringify } from "yaml";
import { AGENT_NODE_FLAGS } from "../../agent/node-flags.ts";
import type { ActionRelay } from "./action-relay.ts";

export const REAL_AGENT_ID = "soak-real-0";
export const ACTION = "soak-noop";

export function realAgentYaml(o: {
  dataDir: string;
  port: number;
  hubUrl: string;
  token: string;
  publicKey: string;
  intervalMs: number;
}): string {
  const off = { enabled: false };
  return stringify({
    agent: { id: REAL_AGENT_ID },
    dataDir: o.dataDir,
    listen: `127.0.0.1:${o.port}`,
    hub: { url: o.hubUrl, token: o.token, pushInterval: `${o.intervalMs}ms`, retryInitial: "500ms", retryMax: "5s" },
    log: { level: "warn" },
    collectors: { system: { interval: `${o.intervalMs}ms` }, probes: off, units: off, gpu: off, zfs: off, containers: off },
    actions: { hubPublicKey: o.publicKey, catalog: { [ACTION]: { risk: "safe", argv: ["/bin/true"] } } },
  });
}

export function realAgentArgs(dist: string, config: string): string[] {
  return [...AGENT_NODE_FLAGS, join(dist, "agent", "main.js"), "--config", config];
}

export function writeRealAgentConfig(file: string, yaml: string): void {
  writeFileSync(file, yaml, { mode: 0o600 });
}

/** Asks the hub to run the action and waits for its result; then replays the request the relay captured. */
export async function actionThenReplay(hubUrl: string, operatorToken: string, relay: ActionRelay): Promise<string> {
  relay.captured = undefined;
  const res = await fetch(`${hubUrl}/api/v1/actions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${operatorToken}` },
    body: JSON.stringify({ agentId: REAL_AGENT_ID, action: ACTION, waitMs: 15_000 }),
    signal: AbortSignal.timeout(20_000),
  });
  const record = (await res.json()) as { status?: string };
  if (relay.captured !== undefined) relay.replay();
  return record.status ?? `HTTP ${res.status}`;
}

export interface ActionAccount {
  requested: number;
  succeeded: number;
  replaysSent: number;
  /** Replays the agent refused as REQUEST_REPLAYED, in its own audit and in the hub's action log. */
  replaysRefusedByAgent: number;
  replaysInHubLog: number;
  /** Audit rows that ran the action beyond the requests: a replay that executed. */
  extraExecutions: number;
}

/** Actions and replays from the requests' answers, the relay's count, the agent's audit and the hub's log. */
export function accountActions(
  requested: number,
  statuses: readonly string[],
  replaysSent: number,
  audit: ReadonlyArray<{ status: string; code: string | null }>,
  hubLog: ReadonlyArray<{ status: string; refusal?: { code?: string } }>,
): ActionAccount {
  const succeeded = statuses.filter((x) => x === "succeeded").length;
  return {
    requested,
    succeeded,
    replaysSent,
    replaysRefusedByAgent: audit.filter((r) => r.status === "refused" && r.code === "REQUEST_REPLAYED").length,
    replaysInHubLog: hubLog.filter((r) => r.refusal?.code === "REQUEST_REPLAYED").length,
    extraExecutions: audit.filter((r) => r.status === "succeeded").length - succeeded,
  };
}

/** The hub's action log (newest first), by status and refusal code. */
export async function hubActionLog(hubUrl: string, operatorToken: string): Promise<Array<{ status: string; refusal?: { code?: string } }>> {
  const res = await fetch(`${hubUrl}/api/v1/actions?limit=1000&agentId=${REAL_AGENT_ID}`, {
    headers: { authorization: `Bearer ${operatorToken}` },
    signal: AbortSignal.timeout(5000),
  });
  return ((await res.json()) as { actions: Array<{ status: string; refusal?: { code?: string } }> }).actions;
}

/** The agent's own audit, read from agent.sqlite once it has stopped. */
export function agentAudit(dataDir: string): Array<{ status: string; code: string | null }> {
  const db = new Database(join(dataDir, "agent.sqlite"), { readonly: true, fileMustExist: true });
  try {
    return db.prepare("SELECT status, refusal_code AS code FROM action_audit ORDER BY id").all() as Array<{
      status: string;
      code: string | null;
    }>;
  } finally {
    db.close();
  }
}
