/**
 * The soak's fault schedule, decided before anything starts: when the hub and agents are killed,
 * when the receivers fail, which agents cross the GPU-temperature threshold and when, when the
 * primary inference endpoint dies. Everything expected at the end (alerts, failover switches) is
 * derived from this plan alone, never from what happened.
 */

export interface PlanInput {
  agents: number;
  durationMs: number;
  intervalMs: number;
  workers: number;
}

export interface Window {
  fromMs: number;
  toMs: number;
}

export interface ScheduledAlert {
  /** Index of the simulated agent whose GPU 0 runs hot. */
  agent: number;
  /** Samples taken in [fromMs, toMs) after the start read HOT_CELSIUS; all others stay below the threshold. */
  fromMs: number;
  toMs: number;
}

export interface SoakPlan extends PlanInput {
  /** kill -9 of the hub at `atMs`, restarted `downMs` later. */
  hubKills: Array<{ atMs: number; downMs: number }>;
  /** kill -9 of one worker process (and so of every simulated agent in it), restarted `downMs` later. */
  workerKills: Array<{ atMs: number; worker: number; downMs: number }>;
  slackFailures: Array<Window & { status: 500 | 429 }>;
  smtpDown: Window;
  alerts: ScheduledAlert[];
  /** The primary inference endpoint is down during this window (killed, then revived). */
  primaryDown: Window;
  /** An action run on the real agent at each of these times, and its captured request replayed to it. */
  actionsAtMs: number[];
  /** kill -9 of the real agent, restarted `downMs` later. */
  realAgentKill: { atMs: number; downMs: number };
}

export const ALERT_RULE = "soak-gpu-hot";
export const ALERT_THRESHOLD = 90;
export const HOT_CELSIUS = 95;

const MINUTE = 60_000;

/** Agents that cross the threshold: 1 in 20, at least 4 (fewer if there are fewer agents), at most 100. */
export function alertCount(agents: number): number {
  return Math.min(agents, 100, Math.max(4, Math.floor(agents / 20)));
}

export function makePlan(input: PlanInput): SoakPlan {
  const t = input.durationMs;
  const at = (fraction: number) => Math.round(t * fraction);
  const n = alertCount(input.agents);
  // Each hot window spans at least three pushes, so at least one hot sample exists whatever the phase.
  const hotMs = Math.max(3 * input.intervalMs, at(0.2));
  const alerts: ScheduledAlert[] = [];
  for (let i = 0; i < n; i++) {
    // Spread over the agents (different workers) and over the first 60 % of the run, so every alert has
    // resolved well before the end even with a hub restart in its window.
    const agent = Math.floor((i * input.agents) / n);
    const fromMs = at(0.1) + Math.round((i * at(0.5)) / n);
    alerts.push({ agent, fromMs, toMs: fromMs + hotMs });
  }
  const slack500From = at(0.15);
  const slack500To = slack500From + Math.min(at(0.2), 4 * MINUTE);
  const slack429To = slack500To + Math.min(at(0.15), 3 * MINUTE);
  const smtpFrom = at(0.45);
  return {
    ...input,
    hubKills: [
      { atMs: at(0.3), downMs: 2_000 },
      { atMs: at(0.7), downMs: 2_000 },
    ],
    workerKills: [
      { atMs: at(0.35), worker: 0, downMs: 1_000 },
      { atMs: at(0.8), worker: Math.min(1, input.workers - 1), downMs: 1_000 },
    ],
    slackFailures: [
      { fromMs: slack500From, toMs: slack500To, status: 500 },
      { fromMs: slack500To, toMs: slack429To, status: 429 },
    ],
    smtpDown: { fromMs: smtpFrom, toMs: smtpFrom + Math.min(at(0.2), 5 * MINUTE) },
    alerts,
    primaryDown: { fromMs: at(0.4), toMs: at(0.55) },
    // Clear of the hub kills, so each action is answered; the second follows the real agent's restart.
    actionsAtMs: [at(0.2), at(0.5), at(0.85)],
    realAgentKill: { atMs: at(0.45), downMs: 1_000 },
  };
}

/** The GPU 0 temperature an agent reports for a sample taken `elapsedMs` after the start, if the plan fixes it. */
export function plannedGpuTemperature(plan: Pick<SoakPlan, "alerts">, agent: number, elapsedMs: number): number | undefined {
  const hot = plan.alerts.some((a) => a.agent === agent && elapsedMs >= a.fromMs && elapsedMs < a.toMs);
  return hot ? HOT_CELSIUS : undefined;
}

/** The transitions every channel must receive: one firing and one resolved per scheduled alert. */
export function expectedTransitions(plan: Pick<SoakPlan, "alerts">, agentId: (index: number) => string): string[] {
  return plan.alerts.flatMap((a) => [transitionKey(agentId(a.agent), "0", "firing"), transitionKey(agentId(a.agent), "0", "resolved")]);
}

/**
 * What identifies one alert transition at a receiver. The rule and series are fixed and every scheduled
 * alert fires once, so host + GPU + status names it; the startsAt is not needed and Slack shows it only
 * to the second.
 */
export function transitionKey(host: string, gpu: string, status: string): string {
  return `${host}/gpu${gpu}/${status}`;
}

/** Switches of the failover group the plan causes: to the fallback when the primary dies, back when it returns. */
export function expectedSwitches(plan: Pick<SoakPlan, "primaryDown">): number {
  return plan.primaryDown.toMs > plan.primaryDown.fromMs ? 2 : 0;
}

/** What the Slack receiver answers at `elapsedMs`: 200, or the planned failure. */
export function slackStatusAt(plan: Pick<SoakPlan, "slackFailures">, elapsedMs: number): number {
  return plan.slackFailures.find((w) => elapsedMs >= w.fromMs && elapsedMs < w.toMs)?.status ?? 200;
}
