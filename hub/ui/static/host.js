// Host page: charts over 1 h / 24 h / 7 d from the rollups, then every collector's table: GPUs,
// pools with their vdev trees, containers, units, probes, the host's alerts and its recent actions.
import { api, ApiError } from "./api.js";
import { badge, fill, h, modelTable, table } from "./dom.js";
import { section, startPage } from "./page.js";
import { Chart } from "./charts.js";
import { alertRow, ALERT_HEADERS } from "./alert-rows.js";
import { actionRows, ACTION_HEADERS } from "./action-rows.js";
import { alignSeries, HOST_CHARTS, RANGES, seriesPath } from "../model/charts.js";
import { MISSING } from "../model/format.js";
import { hostHeadline } from "../model/host-headline.js";
import { containerTable, gpuTable, poolSummary, probeTable, unitTable } from "../model/host-tables.js";
import { toneOf } from "../model/tone.js";
import { buildVdevTree, flattenVdevTree } from "../model/vdev-tree.js";

const hostId = decodeURIComponent(location.pathname.replace(/^\/ui\/hosts\//, ""));
/** Longer ranges change slowly: their charts are read again at most this often. */
const SLOW_CHART_MS = 60_000;

startPage(({ main, refresh }) => {
  document.title = `${hostId} · Vigil`;
  const head = h("div", { class: "host-head", id: "host-head" });
  let range = /** @type {string} */ (new URLSearchParams(location.search).get("range") ?? "1h");
  if (!RANGES.some((r) => r.id === range)) range = "1h";
  let chartsReadAt = 0;
  const rangeButtons = h(
    "div",
    { class: "ranges", role: "group", "aria-label": "Chart range" },
    RANGES.map((r) =>
      h(
        "button",
        {
          type: "button",
          "data-range": r.id,
          "aria-pressed": String(r.id === range),
          on: {
            click: () => {
              range = r.id;
              chartsReadAt = 0;
              for (const b of rangeButtons.querySelectorAll("button")) b.setAttribute("aria-pressed", String(b.dataset.range === range));
              history.replaceState(null, "", `?range=${range}`);
              refresh();
            },
          },
        },
        r.label,
      ),
    ),
  );
  const charts = new Map(HOST_CHARTS.map((spec) => [spec.id, new Chart(spec)]));
  const chartGrid = h("div", { class: "charts", id: "charts" });
  const boxes = Object.fromEntries(
    ["gpus", "pools", "containers", "units", "probes", "alerts", "actions"].map((k) => [k, h("div", { id: `${k}-box` })]),
  );
  main.append(
    head,
    h("div", { class: "card" }, h("div", { class: "card-head" }, h("h2", {}, "History"), rangeButtons), chartGrid),
    section("GPUs", { id: "gpus" }, boxes.gpus),
    section("Pools", { id: "pools" }, boxes.pools),
    section("Containers", { id: "containers" }, boxes.containers),
    section("Units", { id: "units" }, boxes.units),
    section("Probes", { id: "probes" }, boxes.probes),
    section("Alerts", { id: "alerts" }, boxes.alerts),
    section("Recent actions", { id: "actions" }, boxes.actions),
  );

  return {
    async refresh() {
      const now = Date.now();
      const id = encodeURIComponent(hostId);
      const [host, gpus, pools, containers, units, probes, alerts] = await Promise.all([
        api(`/api/v1/hosts/${id}/latest`),
        api(`/api/v1/hosts/${id}/gpus`),
        api(`/api/v1/hosts/${id}/pools`),
        api(`/api/v1/hosts/${id}/containers`),
        api(`/api/v1/hosts/${id}/units`),
        api(`/api/v1/hosts/${id}/probes`),
        api(`/api/v1/alerts?host=${id}&state=active&history=0`),
      ]);
      renderHead(head, host, now);
      fill(boxes.gpus, modelTable(gpuTable(gpus.entities), "gpu-table"));
      fill(boxes.pools, poolBlocks(pools.entities));
      fill(boxes.containers, modelTable(containerTable(containers.entities, now), "container-table"));
      fill(boxes.units, modelTable(unitTable(units.entities), "unit-table"));
      fill(boxes.probes, modelTable(probeTable(probes.entities, now), "probe-table"));
      fill(
        boxes.alerts,
        table(
          ALERT_HEADERS,
          alerts.alerts.map((/** @type {any} */ a) => alertRow(a, now)),
          { empty: "No alert is pending or firing on this host.", id: "host-alerts" },
        ),
      );
      await renderActions(boxes.actions, now);
      if (range === "1h" || now - chartsReadAt >= SLOW_CHART_MS) {
        chartsReadAt = now;
        await renderCharts(chartGrid, charts, RANGES.find((r) => r.id === range)?.ms ?? 3_600_000, now);
      }
    },
  };
});

/** @param {HTMLElement} el @param {any} latest @param {number} now */
function renderHead(el, latest, now) {
  const host = latest.host;
  const headline = hostHeadline(latest, now);
  fill(
    el,
    h(
      "h1",
      {},
      h("span", { class: `dot ${host.status === "up" ? "ok" : "bad"}` }),
      host.id,
      host.hostname !== host.id ? h("span", { class: "muted" }, ` ${host.hostname}`) : null,
    ),
    h(
      "p",
      { class: "facts" },
      badge(host.status, toneOf(host.status)),
      ` ${headline.facts} `,
      Object.entries(host.labels).map(([k, v]) => [badge(`${k}=${v}`, k === "demo" ? "info" : ""), " "]),
    ),
    h(
      "div",
      { class: "counts" },
      headline.stats.map((s) => h("div", { class: "count" }, h("span", { class: "n" }, s.text), " ", s.label)),
    ),
  );
}

/** @param {HTMLElement} grid @param {Map<string, Chart>} charts @param {number} rangeMs @param {number} now */
async function renderCharts(grid, charts, rangeMs, now) {
  const shown = [];
  for (const chart of charts.values()) {
    const spec = chart.spec;
    const answers = await Promise.all(spec.queries.map((/** @type {any} */ q) => api(seriesPath(q, hostId, rangeMs, now))));
    const aligned = alignSeries(spec.queries, answers);
    if (aligned.legends.length === 0) continue;
    shown.push(chart.el);
    if (!chart.el.isConnected) grid.append(chart.el);
    chart.update(aligned);
    chart.el.dataset.series = String(aligned.legends.length);
  }
  for (const child of [...grid.children]) if (!shown.includes(/** @type {HTMLElement} */ (child))) child.remove();
  if (shown.length === 0) fill(grid, h("p", { class: "muted" }, "No history in this range yet."));
  else grid.querySelector("p.muted")?.remove();
}

/** Each pool: its headline, then its vdev tree with error counters. @param {any[]} pools */
function poolBlocks(pools) {
  if (pools.length === 0) return h("p", { class: "muted" }, "No ZFS pool reported.");
  return pools.map((p) => {
    const summary = poolSummary(p);
    const rows = flattenVdevTree(buildVdevTree(p));
    const count = (/** @type {number | undefined} */ n) => (n === undefined ? "" : n > 0 ? badge(String(n), "bad") : String(n));
    return h(
      "div",
      { class: "pool", "data-pool": p.id },
      h(
        "h3",
        {},
        p.id,
        " ",
        badge(summary.health.text, summary.health.tone),
        " ",
        summary.scan ? badge(summary.scan.text, summary.scan.tone) : null,
      ),
      h("p", { class: "facts" }, summary.facts),
      rows.length === 0
        ? null
        : table(
            ["Vdev", "State", "Read", "Write", "Checksum"],
            rows.map(({ node, depth }) => [
              h(
                "span",
                { class: `vdev depth-${Math.min(depth, 4)}` },
                node.name,
                node.section !== "data" && node.section !== "pool" ? h("span", { class: "muted" }, ` (${node.section})`) : null,
              ),
              badge(node.state ?? MISSING, toneOf(node.state)),
              count(node.read),
              count(node.write),
              count(node.checksum),
            ]),
            { numeric: [2, 3, 4], id: `vdevs-${p.id}` },
          ),
    );
  });
}

/** The action audit needs an operator or admin token: a viewer is told so instead of an error. @param {HTMLElement} box @param {number} now */
async function renderActions(box, now) {
  try {
    const { actions } = await api(`/api/v1/actions?agentId=${encodeURIComponent(hostId)}&limit=10`);
    fill(box, table(ACTION_HEADERS, actionRows(actions, now), { empty: "No action was asked of this host.", id: "host-actions" }));
  } catch (err) {
    if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
    fill(box, h("p", { class: "muted" }, "The actions audit needs an admin token."));
  }
}
