/**
 * The alert transitions in a message each channel delivered, as keys (plan.ts transitionKey). The rule's
 * summary annotation is `SOAK host=<host> gpu=<gpu>` (hub-config.ts), so Slack's and email's rendered text
 * names the alert without depending on the rest of their layout.
 */
import { ALERT_RULE, transitionKey } from "./plan.ts";

export const SUMMARY_TEMPLATE = "SOAK host={{host}} gpu={{labels.gpu}}";

const SLACK = new RegExp(String.raw`\*${ALERT_RULE}\* (firing|resolved)\nSOAK host=(\S+) gpu=(\S+)`, "g");
const EMAIL = new RegExp(String.raw`\[(FIRING|RESOLVED)\] ${ALERT_RULE} \([a-z]+\)\n\s+SOAK host=(\S+) gpu=(\S+)`, "g");

/** Slack Block Kit: one section per alert, its text `*rule* firing|resolved\nsummary`. */
export function slackKeys(body: string): string[] {
  const message = JSON.parse(body) as { blocks?: Array<{ type: string; text?: { text?: string } }> };
  const keys: string[] = [];
  for (const b of message.blocks ?? []) {
    if (b.type !== "section" || typeof b.text?.text !== "string") continue;
    for (const m of b.text.text.matchAll(SLACK)) keys.push(transitionKey(m[2] as string, m[3] as string, m[1] as string));
  }
  return keys;
}

/** The email's text part: per alert `[FIRING] rule (severity)` then the summary, indented. */
export function emailKeys(text: string): string[] {
  return [...text.matchAll(EMAIL)].map((m) => transitionKey(m[2] as string, m[3] as string, (m[1] as string).toLowerCase()));
}

/**
 * The webhook's JSON body: `alerts[]` with rule, status, hostId and labels. Alerts of any other rule
 * are kept under their rule's name, so the accounting shows them as unexpected (the soak's hub has no
 * other rule; one would mean a built-in was not disabled or a notification leaked in).
 */
export function webhookKeys(body: string): string[] {
  const message = JSON.parse(body) as {
    alerts?: Array<{ rule?: string; status?: string; hostId?: string | null; labels?: Record<string, string> }>;
  };
  return (message.alerts ?? []).map((a) => {
    const key = transitionKey(a.hostId ?? "?", a.labels?.gpu ?? "?", a.status ?? "?");
    return a.rule === ALERT_RULE ? key : `${a.rule ?? "?"}:${key}`;
  });
}
