/** One page of the dashboard: its URL, the browser module that draws it, and its place in the menu. */
export interface UiPage {
  /** Hono route path. */
  path: string;
  /** The module under /ui/static/ (without .js) and the body's data-page. */
  module: string;
  title: string;
  /** Shown in the menu. */
  nav: boolean;
}

export const UI_PAGES: readonly UiPage[] = [
  { path: "/ui/", module: "overview", title: "Overview", nav: true },
  { path: "/ui/alerts", module: "alerts", title: "Alerts", nav: true },
  { path: "/ui/failover", module: "failover", title: "Failover", nav: true },
  { path: "/ui/actions", module: "actions", title: "Actions", nav: true },
  { path: "/ui/hosts/:id", module: "host", title: "Host", nav: false },
  { path: "/ui/login", module: "login", title: "Sign in", nav: false },
];

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch] ?? ch);
}

/**
 * The HTML of a page: a shell with the menu and an empty main element that the page's module fills
 * from the JSON API. No data is in it, so it needs no authentication, and no inline script or style,
 * so the Content-Security-Policy can forbid both.
 */
export function renderPage(page: UiPage, o: { refreshIntervalMs: number; version: string }): string {
  const nav = UI_PAGES.filter((p) => p.nav)
    .map((p) => `<a href="${p.path}"${p.module === page.module ? ' aria-current="page"' : ""}>${escapeHtml(p.title)}</a>`)
    .join("");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(page.title)} · Vigil</title>
<link rel="stylesheet" href="/ui/vendor/uPlot.min.css">
<link rel="stylesheet" href="/ui/static/app.css">
<script type="module" src="/ui/static/${page.module}.js"></script>
</head>
<body data-page="${page.module}" data-refresh-ms="${o.refreshIntervalMs}" data-version="${escapeHtml(o.version)}">
<header class="top">
<a class="brand" href="/ui/">Vigil</a>
<nav class="menu">${nav}</nav>
<span class="session" id="session"></span>
</header>
<div id="banners"></div>
<main id="main"><p class="muted">Loading…</p><noscript>The dashboard needs JavaScript; the same data is in the JSON API (/api/v1/).</noscript></main>
</body>
</html>
`;
}
