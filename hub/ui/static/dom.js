// DOM helpers for the dashboard's pages. Elements are built from text nodes only, never from HTML
// strings: container names, unit descriptions and labels come from agents and are shown as text.

/**
 * h("td", { class: "num", title: "raw value" }, "59 °C", otherNode): an element with attributes and
 * children. `on` takes event handlers; null, undefined and false children are skipped.
 * @param {string} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElement}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "on") {
      for (const [event, handler] of Object.entries(/** @type {Record<string, EventListener>} */ (value)))
        el.addEventListener(event, handler);
    } else if (name === "dataset") {
      Object.assign(el.dataset, value);
    } else if (value === true) {
      el.setAttribute(name, "");
    } else {
      el.setAttribute(name, String(value));
    }
  }
  append(el, children);
  return el;
}

/** @param {Element} el @param {unknown[]} children */
function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces the children of `el`. @param {Element} el @param {...unknown} children */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/**
 * A table with a header row. A cell is text, a node, or a model Cell ({text, tone}: a badge when
 * it has a tone). An empty list shows `empty` in one row, so a table never looks broken. Each cell
 * carries its column's name in data-label, which the phone layout shows beside the value.
 * @param {string[]} headers
 * @param {Array<Array<unknown>>} rows
 * @param {{ empty?: string, id?: string, numeric?: number[] }} [opts]
 */
export function table(headers, rows, opts = {}) {
  const numeric = new Set(opts.numeric ?? []);
  const head = h(
    "thead",
    {},
    h(
      "tr",
      {},
      headers.map((text, i) => h("th", { class: numeric.has(i) ? "num" : undefined, scope: "col" }, text)),
    ),
  );
  const body = h(
    "tbody",
    {},
    rows.length === 0
      ? h("tr", {}, h("td", { colspan: headers.length, class: "muted empty" }, opts.empty ?? "None."))
      : rows.map((cells) =>
          h(
            "tr",
            {},
            // One wrapper per cell, so the phone layout (a label beside the value) wraps long values inside it.
            cells.map((cell, i) =>
              h(
                "td",
                { class: numeric.has(i) ? "num" : undefined, "data-label": headers[i] },
                h("span", { class: "cell" }, cellContent(cell)),
              ),
            ),
          ),
        ),
  );
  return h("div", { class: "table-wrap" }, h("table", { id: opts.id }, head, body));
}

/** A table from a model's TableModel (hub/ui/model/host-tables.ts). @param {{headers: string[], numeric: number[], rows: unknown[][], empty: string}} model @param {string} [id] */
export function modelTable(model, id) {
  return table(model.headers, model.rows, { empty: model.empty, numeric: model.numeric, id });
}

/** @param {unknown} cell */
function cellContent(cell) {
  if (cell !== null && typeof cell === "object" && !(cell instanceof Node) && "text" in cell) {
    const c = /** @type {{text: string, tone?: string}} */ (cell);
    return c.tone === undefined ? c.text : badge(c.text, c.tone);
  }
  return cell;
}

/** A coloured word for a state. @param {string} text @param {string} [tone] ok, warn, bad, info or "" */
export function badge(text, tone = "") {
  return h("span", { class: `badge ${tone}`.trim() }, text);
}
