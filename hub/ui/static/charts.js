// Time-series charts with uPlot (about 50 KB minified, canvas, no dependencies), one per ChartSpec.
// @ts-expect-error -- the hub serves it from node_modules/uplot; there is no such file beside this one (test/ui/browser-types.test.ts).
import uPlot from "../vendor/uPlot.esm.js";
import { h } from "./dom.js";
import { formatBytes, formatCelsius, formatPercent, formatRate, formatWatts } from "../model/format.js";

const COLORS = ["#2563eb", "#dc2626", "#16a34a", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d"];

/** @type {Record<string, (v: number | null | undefined) => string>} */
const FORMATS = { percent: formatPercent, bytes: formatBytes, bytesPerSecond: formatRate, celsius: formatCelsius, watts: formatWatts };

/** One chart on the page: its box, and the uPlot drawn in it once there is data. */
export class Chart {
  /** @param {import("../model/charts.js").ChartSpec} spec */
  constructor(spec) {
    this.spec = spec;
    /** @type {any} uPlot, or undefined until the first data */
    this.plot = undefined;
    this.legendsKey = "";
    this.canvasBox = h("div", { class: "chart-canvas" });
    this.el = h("figure", { class: "chart", id: `chart-${spec.id}` }, h("figcaption", {}, spec.title), this.canvasBox);
    this.resize = new ResizeObserver(() => this.plot?.setSize(this.size()));
    this.resize.observe(this.canvasBox);
  }

  size() {
    const width = Math.max(200, this.canvasBox.clientWidth);
    return { width, height: Math.round(Math.min(220, Math.max(150, width * 0.45))) };
  }

  /** @param {{ legends: string[], data: any[] }} aligned */
  update(aligned) {
    const key = aligned.legends.join("\u0000");
    if (this.plot && key === this.legendsKey) {
      this.plot.setData(aligned.data);
      return;
    }
    this.plot?.destroy();
    this.legendsKey = key;
    const format = FORMATS[this.spec.unit] ?? String;
    const percent = this.spec.unit === "percent";
    this.plot = new uPlot(
      {
        ...this.size(),
        cursor: { drag: { x: false, y: false } },
        legend: { live: true },
        scales: { y: percent ? { range: [0, 100] } : { range: (_u, min, max) => [Math.min(0, min), max > 0 ? max * 1.1 : 1] } },
        axes: [{}, { size: 70, values: (_u, ticks) => ticks.map((v) => format(v)) }],
        series: [
          {},
          ...aligned.legends.map((label, i) => ({
            label,
            stroke: COLORS[i % COLORS.length],
            width: 1.5,
            value: (/** @type {unknown} */ _u, /** @type {number | null} */ v) => (v === null || v === undefined ? "--" : format(v)),
          })),
        ],
      },
      aligned.data,
      this.canvasBox,
    );
  }
}
