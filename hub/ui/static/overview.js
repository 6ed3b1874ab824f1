// Overview: every host, worst first, with what is worth a glance, and the alerts firing now.
import { api } from "./api.js";
import { badge, fill, h, table } from "./dom.js";
import { toneOf } from "../model/tone.js";
import { section, startPage } from "./page.js";
import { alertRow, ALERT_HEADERS } from "./alert-rows.js";
import { formatAge, formatCelsius, formatPercent } from "../model/format.js";
import { summarizeHost, worstFirst } from "../model/host-overview.js";

startPage(({ main }) => {
  const counts = h("div", { class: "counts", id: "counts" });
  const hostsBox = h("div", { class: "hosts", id: "hosts" });
  const alertsBox = h("div", { id: "firing" });
  main.append(h("h1", {}, "Overview"), counts, hostsBox, section("Firing alerts", {}, alertsBox));

  return {
    async refresh() {
      const [{ hosts }, { alerts }] = await Promise.all([api("/api/v1/hosts"), api("/api/v1/alerts?state=firing&history=0")]);
      const latest = await Promise.all(hosts.map((/** @type {any} */ host) => api(`/api/v1/hosts/${encodeURIComponent(host.id)}/latest`)));
      const now = Date.now();
      const rows = worstFirst(
        latest.map((l, i) =>
          summarizeHost(
            hosts[i],
            l.samples,
            l.states,
            alerts.filter((/** @type {any} */ a) => a.hostId === hosts[i].id),
          ),
        ),
      );
      const down = rows.filter((r) => r.status === "down").length;
      const critical = alerts.filter((/** @type {any} */ a) => a.severity === "critical").length;
      fill(
        counts,
        count(rows.length - down, "hosts up", "ok"),
        count(down, "down", down > 0 ? "bad" : ""),
        count(critical, "critical", critical > 0 ? "bad" : ""),
        count(alerts.length - critical, "other alerts", alerts.length - critical > 0 ? "warn" : ""),
      );
      fill(
        hostsBox,
        rows.length === 0
          ? h("p", { class: "muted" }, "No host has reported yet: start an agent pointed at this hub.")
          : rows.map((r) => hostCard(r, now)),
      );
      fill(
        alertsBox,
        table(
          ALERT_HEADERS,
          alerts.map((/** @type {any} */ a) => alertRow(a, now)),
          { empty: "Nothing is firing.", id: "firing-alerts" },
        ),
      );
    },
  };
});

/** @param {number} n @param {string} label @param {string} tone */
function count(n, label, tone) {
  return h("div", { class: `count ${tone}`.trim() }, h("span", { class: "n" }, String(n)), " ", label);
}

/** @param {import("../model/host-overview.js").HostRow} r @param {number} now */
function hostCard(r, now) {
  const line = (/** @type {string} */ label, /** @type {unknown[]} */ ...value) =>
    h("div", { class: "kv" }, h("span", { class: "k" }, label), h("span", { class: "v" }, ...value));
  return h(
    "article",
    { class: `host-card ${r.status}`, "data-host": r.id },
    h(
      "header",
      {},
      h("span", { class: `dot ${r.status === "up" ? "ok" : "bad"}`, title: r.status }),
      h("a", { href: `/ui/hosts/${encodeURIComponent(r.id)}`, class: "host-name" }, r.id),
      r.hostname !== r.id ? h("span", { class: "muted" }, ` ${r.hostname}`) : null,
      r.demo ? badge("demo", "info") : null,
      r.status === "down" ? badge(`down, last seen ${formatAge(r.lastSeen, now)}`, "bad") : null,
    ),
    r.problems.length > 0
      ? h(
          "ul",
          { class: "problems" },
          r.problems.map((p) => h("li", {}, p)),
        )
      : null,
    r.alerts.critical + r.alerts.warning > 0
      ? line(
          "Alerts",
          r.alerts.critical > 0 ? badge(`${r.alerts.critical} critical`, "bad") : null,
          " ",
          r.alerts.warning > 0 ? badge(`${r.alerts.warning} warning`, "warn") : null,
        )
      : null,
    line("CPU", formatPercent(r.cpuPercent)),
    line("Memory", formatPercent(r.memoryPercent)),
    line("Disk", r.disk ? `${formatPercent(r.disk.percent)} ${r.disk.mountpoint}` : formatPercent(undefined)),
    r.gpus.map((g) =>
      line(
        `GPU ${g.id}`,
        h("span", { class: "gpu-name" }, (g.name ?? "").replace(/^NVIDIA /, "")),
        " ",
        formatCelsius(g.temperature),
        " · ",
        formatPercent(g.utilization),
        " busy · ",
        formatPercent(g.memoryPercent),
        " mem",
      ),
    ),
    r.pools.length > 0
      ? line(
          "Pools",
          r.pools.map((p) => [
            badge(
              `${p.name} ${p.health ?? "health N/A"}${p.capacity !== undefined ? ` ${formatPercent(p.capacity)}` : ""}`,
              toneOf(p.health),
            ),
            " ",
          ]),
        )
      : null,
    r.containers.total > 0
      ? line(
          "Containers",
          `${r.containers.running} running`,
          r.containers.unhealthy > 0 ? [" · ", badge(`${r.containers.unhealthy} unhealthy`, "bad")] : null,
          r.containers.restarting > 0 ? [" · ", badge(`${r.containers.restarting} restarting`, "warn")] : null,
          r.containers.stopped > 0 ? ` · ${r.containers.stopped} stopped` : null,
        )
      : null,
    r.units.total > 0
      ? line(
          "Units",
          `${r.units.active} active`,
          r.units.failed > 0 ? [" · ", badge(`${r.units.failed} failed`, "bad")] : null,
          ` of ${r.units.total}`,
        )
      : null,
  );
}
