import { alertsLink } from "../links.ts";
import type { Notification, NotifiedAlert, RenderContext } from "../notification.ts";
import {
  alertHost,
  alertSummary,
  extraLabels,
  formatTime,
  messageTitle,
  orderForDisplay,
  remediationLine,
  timeLine,
  valueLine,
} from "../render/describe.ts";

export interface EmailMessage {
  subject: string;
  text: string;
  html: string;
}

/** Subject, plain-text part and HTML part of a notification email. Everything from alerts is escaped in the HTML. */
export function buildEmailMessage(n: Notification, ctx: RenderContext, subjectPrefix: string): EmailMessage {
  const title = (n.test ? "TEST: " : "") + messageTitle(n.alerts);
  const subject = oneLine(subjectPrefix === "" ? title : `${subjectPrefix} ${title}`).slice(0, 250);
  const alerts = orderForDisplay(n.alerts);
  const link = ctx.hubUrl ? alertsLink(ctx.hubUrl) : undefined;

  const text = [
    title,
    "",
    ...alerts.flatMap((a) => [...textLines(a), ""]),
    ...(link ? [`Alerts on the hub: ${link}`] : []),
    `Sent by Vigil (channel ${n.channel}${n.route ? `, route ${n.route}` : ""}).`,
  ].join("\n");

  const html = [
    "<!DOCTYPE html>",
    '<html><body style="font-family: sans-serif; font-size: 14px">',
    `<h2 style="margin: 0 0 12px">${esc(title)}</h2>`,
    ...alerts.map(htmlBlock),
    link ? `<p><a href="${esc(link)}">Alerts on the hub</a></p>` : "",
    `<p style="color: #666; font-size: 12px">Sent by Vigil (channel ${esc(n.channel)}${n.route ? `, route ${esc(n.route)}` : ""}).</p>`,
    "</body></html>",
  ]
    .filter((line) => line !== "")
    .join("\n");
  return { subject, text, html };
}

function textLines(a: NotifiedAlert): string[] {
  const host = alertHost(a);
  const summary = alertSummary(a);
  const value = valueLine(a);
  const labels = extraLabels(a);
  const remediation = remediationLine(a);
  return [
    `[${a.status.toUpperCase()}] ${a.rule} (${a.severity})`,
    ...(summary ? [`  ${oneLine(summary)}`] : []),
    ...(remediation ? [`  remediation: ${oneLine(remediation)}`] : []),
    ...(host !== undefined ? [`  host: ${host}`] : []),
    ...(value !== undefined ? [`  ${value}`] : []),
    `  ${timeLine(a)}`,
    ...(labels.length > 0 ? [`  labels: ${labels.map(([k, v]) => `${k}=${v}`).join(", ")}`] : []),
    ...(a.generatorUrl ? [`  source: ${a.generatorUrl}`] : []),
  ];
}

const COLOR = { critical: "#c62828", warning: "#ef6c00", info: "#1565c0", resolved: "#2e7d32" } as const;

function htmlBlock(a: NotifiedAlert): string {
  const color = a.status === "resolved" ? COLOR.resolved : COLOR[a.severity];
  const host = alertHost(a);
  const summary = alertSummary(a);
  const value = valueLine(a);
  const labels = extraLabels(a);
  // [label, HTML already escaped]
  const rows: Array<[string, string]> = [["Severity", esc(a.severity)]];
  if (host !== undefined) rows.push(["Host", esc(host)]);
  if (value !== undefined) rows.push(["Value", esc(value)]);
  const remediation = remediationLine(a);
  if (remediation) rows.push(["Remediation", esc(remediation)]);
  rows.push(["Since", esc(formatTime(a.startsAt))]);
  if (a.status === "resolved" && a.endsAt !== null) rows.push(["Resolved", esc(formatTime(a.endsAt))]);
  if (labels.length > 0) rows.push(["Labels", labels.map(([k, v]) => `<code>${esc(k)}=${esc(v)}</code>`).join(" ")]);
  if (a.generatorUrl && /^https?:\/\//.test(a.generatorUrl))
    rows.push(["Source", `<a href="${esc(a.generatorUrl)}">${esc(a.generatorUrl)}</a>`]);
  return [
    `<div style="border-left: 4px solid ${color}; padding: 4px 12px; margin: 0 0 12px">`,
    `<p style="margin: 0 0 4px"><strong>${esc(a.status.toUpperCase())}</strong> ${esc(a.rule)}</p>`,
    summary ? `<p style="margin: 0 0 4px">${esc(summary)}</p>` : "",
    '<table style="border-collapse: collapse">',
    ...rows.map(([k, v]) => `<tr><td style="color: #666; padding-right: 12px">${k}</td><td>${v}</td></tr>`),
    "</table>",
    "</div>",
  ]
    .filter((line) => line !== "")
    .join("\n");
}

/** HTML text and attribute escaping. */
export function esc(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** Subjects are one header line: newlines in an alert's text must not end up as header folding or injection. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, " ").trim();
}
