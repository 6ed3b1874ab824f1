// Failover: each group's active member, epoch, members' health and switches (docs/failover.md).
import { api, apiIfPresent } from "./api.js";
import { badge, fill, h, table } from "./dom.js";
import { section, startPage } from "./page.js";
import { formatAge, formatDuration, formatTime } from "../model/format.js";
import { toneOf } from "../model/tone.js";

startPage(({ main }) => {
  const box = h("div", { id: "groups" });
  main.append(h("h1", {}, "Failover"), box);
  return {
    async refresh() {
      const list = await apiIfPresent("/api/v1/failover");
      if (list === undefined) {
        fill(box, h("p", { class: "muted", id: "failover-absent" }, "This hub has no failover API (an older version)."));
        return;
      }
      if (list.groups.length === 0) {
        fill(
          box,
          h(
            "p",
            { class: "muted", id: "failover-none" },
            "No failover group is configured (failover.groups in the hub's config, see docs/failover.md).",
          ),
        );
        return;
      }
      const groups = await Promise.all(
        list.groups.map((/** @type {any} */ g) => api(`/api/v1/failover/${encodeURIComponent(g.group)}?history=20`)),
      );
      const now = Date.now();
      fill(
        box,
        groups.map((g) => groupCard(g, now)),
      );
    },
  };
});

/** @param {any} g a GroupStatus @param {number} now */
function groupCard(g, now) {
  return section(
    g.group,
    { id: `group-${g.group}` },
    h(
      "p",
      { class: "facts" },
      badge(g.available ? "available" : "unavailable", g.available ? "ok" : "bad"),
      " active ",
      h("strong", { class: "active-member" }, g.active),
      ` on ${g.activeHost} · epoch `,
      h("strong", { class: "epoch" }, String(g.epoch)),
      ` · since ${formatAge(g.since, now)} · failback ${g.failback} · lease ${formatDuration(g.leaseMs)}${g.proxy ? " · proxied" : ""}`,
    ),
    h("p", { class: "reason" }, g.reason),
    g.pin
      ? h(
          "p",
          {},
          badge("pinned", "warn"),
          ` to ${g.pin.member} by ${g.pin.by} until ${formatTime(g.pin.until)}${g.pin.reason ? `: ${g.pin.reason}` : ""}`,
        )
      : null,
    table(
      ["Member", "Host", "Role", "Status", "Checks", "Last check", "Detail"],
      g.members.map((/** @type {any} */ m) => [
        h("span", {}, m.name, m.name === g.active ? [" ", badge("active", "info")] : null),
        m.host,
        m.role,
        badge(m.status, toneOf(m.status)),
        m.failures > 0 ? `${m.failures} failed in a row` : `${m.successes} passed in a row`,
        formatAge(m.lastCheckAt, now),
        m.detail ?? "",
      ]),
      { id: `members-${g.group}` },
    ),
    h("h3", {}, "Switches"),
    table(
      ["When", "Epoch", "From", "To", "Cause", "Reason"],
      (g.history ?? []).map((/** @type {any} */ s) => [
        h("span", { title: formatTime(s.at) }, formatAge(s.at, now)),
        String(s.epoch),
        s.from ?? "",
        s.to,
        s.cause,
        s.reason,
      ]),
      { empty: "No switch yet.", id: `history-${g.group}` },
    ),
  );
}
