import { alertsLink, hostLink } from "../links.ts";
import type { Notification, NotifiedAlert, RenderContext } from "../notification.ts";
import { alertHost, alertSummary, extraLabels, messageTitle, orderForDisplay, remediationLine, valueLine } from "../render/describe.ts";

/** A Slack Block Kit block; only the fields Vigil uses are typed. */
export type SlackBlock = { type: string } & Record<string, unknown>;

/** The body posted to an incoming webhook: `text` is the fallback shown in notifications and by old clients. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

const SEVERITY_ICON = { critical: ":red_circle:", warning: ":large_orange_circle:", info: ":large_blue_circle:" } as const;
const RESOLVED_ICON = ":white_check_mark:";
/** Slack's limits: header text 150 characters, section text 3000, a field 2000, 10 context elements. */
const HEADER_MAX = 150;
const TEXT_MAX = 3000;
const FIELD_MAX = 2000;
const CONTEXT_MAX = 10;

/**
 * The Block Kit message for a notification: a header naming what fired, then per alert a section
 * with its summary and fields (severity, host, value against threshold, since when) and a context
 * line with its other labels; then how many more there are, and a button to the hub.
 * Everything from alerts is escaped, so a label such as `<!channel>` cannot ping anyone.
 */
export function buildSlackMessage(n: Notification, ctx: RenderContext, maxAlerts: number): SlackMessage {
  const title = (n.test ? "TEST: " : "") + messageTitle(n.alerts);
  const alerts = orderForDisplay(n.alerts);
  const shown = alerts.slice(0, maxAlerts);
  const blocks: SlackBlock[] = [{ type: "header", text: { type: "plain_text", text: cut(title, HEADER_MAX), emoji: true } }];
  shown.forEach((alert, i) => {
    if (i > 0) blocks.push({ type: "divider" });
    blocks.push(...alertBlocks(alert, ctx));
  });
  if (alerts.length > shown.length) {
    blocks.push({ type: "context", elements: [mrkdwn(`…and ${alerts.length - shown.length} more alerts in this group`)] });
  }
  const buttons = linkButtons(alerts, ctx);
  if (buttons.length > 0) blocks.push({ type: "actions", elements: buttons });
  return { text: escape(title), blocks };
}

function alertBlocks(alert: NotifiedAlert, ctx: RenderContext): SlackBlock[] {
  const icon = alert.status === "resolved" ? RESOLVED_ICON : SEVERITY_ICON[alert.severity];
  const summary = alertSummary(alert);
  const remediation = remediationLine(alert);
  const text =
    `${icon} *${escape(alert.rule)}* ${alert.status === "resolved" ? "resolved" : "firing"}${summary ? `\n${escape(summary)}` : ""}` +
    (remediation ? `\n*Remediation:* ${escape(remediation)}` : "");
  const host = alertHost(alert);
  const value = valueLine(alert);
  const fields = [
    field("Severity", alert.severity),
    ...(host !== undefined ? [field("Host", host, ctx.hubUrl && alert.hostId ? hostLink(ctx.hubUrl, alert.hostId) : undefined)] : []),
    ...(value !== undefined ? [field("Value", value)] : []),
    { type: "mrkdwn", text: `*Since*\n${slackDate(alert.startsAt)}` },
    ...(alert.status === "resolved" && alert.endsAt !== null ? [{ type: "mrkdwn", text: `*Resolved*\n${slackDate(alert.endsAt)}` }] : []),
  ];
  const blocks: SlackBlock[] = [{ type: "section", text: mrkdwn(cut(text, TEXT_MAX)), fields }];
  const labels = extraLabels(alert);
  if (labels.length > 0) {
    const elements = labels.slice(0, CONTEXT_MAX).map(([k, v]) => mrkdwn(cut(`${escape(k)}=${escape(v)}`, FIELD_MAX)));
    blocks.push({ type: "context", elements });
  }
  return blocks;
}

function linkButtons(alerts: readonly NotifiedAlert[], ctx: RenderContext): SlackBlock[] {
  const buttons: SlackBlock[] = [];
  if (ctx.hubUrl) buttons.push(button("Open in Vigil", "open_vigil", alertsLink(ctx.hubUrl)));
  const source = alerts.find((a) => a.generatorUrl && /^https?:\/\//.test(a.generatorUrl))?.generatorUrl;
  if (source) buttons.push(button("Source", "open_source", source));
  return buttons;
}

function button(text: string, actionId: string, url: string): SlackBlock {
  return { type: "button", text: { type: "plain_text", text, emoji: true }, url: url.slice(0, 3000), action_id: actionId };
}

function field(name: string, value: string, link?: string): { type: string; text: string } {
  const shown = link ? `<${link}|${escape(value)}>` : escape(value);
  return { type: "mrkdwn", text: cut(`*${name}*\n${shown}`, FIELD_MAX) };
}

function mrkdwn(text: string): { type: string; text: string } {
  return { type: "mrkdwn", text };
}

/** Slack shows `<!date^...>` in each reader's own time zone; the text after `|` is the fallback. */
function slackDate(ms: number): string {
  const fallback = `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
  return `<!date^${Math.floor(ms / 1000)}^{date_short_pretty} {time_secs}|${fallback}>`;
}

/** Slack's mrkdwn escaping: only &, < and > are control characters. */
export function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
