/**
 * The soak hub's config: a shared agent token (so missing and wrong tokens are refused), small body
 * limits (so the fuzzer's oversized bodies stay cheap), every built-in rule off and one rule whose
 * crossings the plan schedules, the three channels routed only the hub's own rule alerts (failover
 * switches are counted at the proxy, not in the channels), retries that outlast the planned outages,
 * an operator who may run the real agent's actions, and an Ollama failover group behind the proxy.
 */
import { stringify } from "yaml";
import { BUILTIN_RULE_NAMES } from "../../hub/rules/builtin-rules.ts";
import { SUMMARY_TEMPLATE } from "./parse-deliveries.ts";
import { ALERT_RULE, ALERT_THRESHOLD } from "./plan.ts";

export interface HubConfigInput {
  port: number;
  dataDir: string;
  agentToken: string;
  operatorToken: string;
  slackUrl: string;
  smtpPort: number;
  webhookUrl: string;
  primaryUrl: string;
  fallbackUrl: string;
  limits: { maxBodyBytes: number; maxDecompressedBytes: number };
}

export const FAILOVER_GROUP = "ollama";
export const PRIMARY = "ollama-gpu";
export const FALLBACK = "ollama-cpu";

export function hubConfigYaml(o: HubConfigInput): string {
  return stringify({
    listen: `127.0.0.1:${o.port}`,
    dataDir: o.dataDir,
    log: { level: "warn" },
    auth: { agentTokens: [o.agentToken] },
    ingest: o.limits,
    actions: { operators: [{ name: "soak", token: o.operatorToken, role: "operator" }] },
    builtinRules: Object.fromEntries(BUILTIN_RULE_NAMES.map((n) => [n, false])),
    rules: [
      {
        name: ALERT_RULE,
        series: "vigil_gpu_temperature_celsius",
        labels: { gpu: "0" },
        condition: ">",
        critical: ALERT_THRESHOLD,
        annotations: { summary: SUMMARY_TEMPLATE },
      },
    ],
    notify: {
      channels: {
        slack: { type: "slack", url: o.slackUrl, maxAlerts: 15 },
        mail: {
          type: "email",
          smtp: { host: "127.0.0.1", port: o.smtpPort, security: "plain" },
          from: "Vigil soak <vigil@soak.test>",
          to: ["oncall@soak.test"],
        },
        hook: { type: "webhook", url: o.webhookUrl },
      },
      routes: [{ name: "soak-rules", match: { source: "rules" }, channels: ["slack", "mail", "hook"] }],
      // The longest planned outage is 7 minutes (Slack 500 then 429): 100 attempts 1-8 s apart outlast it.
      retry: { maxAttempts: 100, initialBackoff: "1s", maxBackoff: "8s" },
      timeout: "5s",
    },
    failover: {
      groups: {
        [FAILOVER_GROUP]: {
          proxy: { enabled: true },
          check: { interval: "1s", timeout: "800ms", failAfter: 3, recoverAfter: 3, hold: "5s" },
          failback: "auto",
          members: [
            { name: PRIMARY, host: "gpu-box", kind: "ollama", url: o.primaryUrl },
            { name: FALLBACK, host: "gpu-box", kind: "ollama", url: o.fallbackUrl },
          ],
        },
      },
    },
  });
}
