// How the action audit is shown (actions page, host page).
import { badge, h } from "./dom.js";
import { formatAge, formatDuration, formatTime } from "../model/format.js";
import { toneOf } from "../model/tone.js";

export const ACTION_HEADERS = ["When", "Host", "Action", "By", "Status", "Result"];

/** @param {any[]} actions records of GET /api/v1/actions, newest first @param {number} now */
export function actionRows(actions, now) {
  return actions.map((a) => {
    const params = Object.entries(a.params ?? {})
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ");
    const result =
      a.status === "refused"
        ? `${a.refusal?.code ?? "refused"} (${a.refusedBy ?? "?"}): ${a.refusal?.message ?? ""}`
        : a.exitCode !== null
          ? `exit ${a.exitCode}${a.durationMs !== null ? ` after ${a.durationMs < 1000 ? `${Math.round(a.durationMs)} ms` : formatDuration(a.durationMs)}` : ""}`
          : "";
    const output = `${a.stdout ?? ""}${a.stderr ? `\n${a.stderr}` : ""}`.trim();
    return [
      h("span", { title: formatTime(a.issuedAt) }, formatAge(a.issuedAt, now)),
      h("a", { href: `/ui/hosts/${encodeURIComponent(a.agentId)}` }, a.agentId),
      h(
        "span",
        {},
        h("strong", {}, a.action),
        params ? h("span", { class: "muted" }, ` ${params}`) : null,
        a.reason ? h("div", { class: "summary" }, a.reason) : null,
      ),
      a.initiator,
      badge(a.status.replaceAll("_", " "), toneOf(a.status)),
      h(
        "span",
        {},
        result,
        output ? h("details", {}, h("summary", {}, "output"), h("pre", {}, output + (a.outputTruncated ? "\n[truncated]" : ""))) : null,
      ),
    ];
  });
}
