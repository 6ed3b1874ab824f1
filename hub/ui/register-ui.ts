import type { Context, Hono } from "hono";
import { type AssetKind, AssetStore } from "./assets.ts";
import type { SessionAnswer } from "./model/session-answer.ts";
import { renderPage, UI_PAGES } from "./pages.ts";
import { uiSecurityHeaders } from "./security-headers.ts";
import { resolveSession, type SessionOptions } from "./session.ts";
import type { UiConfig } from "./ui-config.ts";

export interface UiOptions {
  ui: UiConfig;
  auth: SessionOptions;
  version: string;
  /** Where the files come from; the hub's own folders unless a test brings others. */
  assets?: AssetStore;
}

/**
 * The dashboard (docs/dashboard.md): HTML shells at /ui/..., the browser modules, view models and
 * uPlot they load, and GET /api/v1/session, which tells a page the role its token has. The pages
 * read everything else from the JSON API with the same token, so the dashboard can show nothing the
 * API would not.
 */
export function registerUi(app: Hono, o: UiOptions): void {
  app.get("/api/v1/session", async (c) => {
    const session = await resolveSession(c, o.auth);
    return c.json({
      ...session,
      viewerTokensConfigured: o.auth.viewerTokens.length > 0,
      adminTokensConfigured: o.auth.adminTokens.length > 0,
      refreshIntervalMs: o.ui.refreshInterval,
      version: o.version,
    } satisfies SessionAnswer);
  });
  if (!o.ui.enabled) return;

  const assets = o.assets ?? new AssetStore();
  app.get("/", (c) => c.redirect("/ui/", 302));
  app.get("/ui", (c) => c.redirect("/ui/", 301));
  app.use("/ui/*", uiSecurityHeaders());
  for (const page of UI_PAGES) {
    app.get(page.path, (c) => {
      c.header("Cache-Control", "no-cache");
      return c.html(renderPage(page, { refreshIntervalMs: o.ui.refreshInterval, version: o.version }));
    });
  }
  for (const kind of ["static", "model", "vendor"] as const) {
    app.get(`/ui/${kind}/:name`, (c) => serveAsset(c, assets, kind, c.req.param("name")));
  }
}

/** One asset, gzip-compressed when the browser accepts it; revalidated by ETag, since a new hub version may change it. */
function serveAsset(c: Context, assets: AssetStore, kind: AssetKind, name: string): Response {
  const asset = assets.get(kind, name);
  if (!asset) return c.text(`no dashboard file ${kind}/${name}`, 404);
  c.header("Cache-Control", "no-cache");
  c.header("ETag", asset.etag);
  c.header("Vary", "Accept-Encoding");
  if (c.req.header("if-none-match") === asset.etag) return c.body(null, 304);
  c.header("Content-Type", asset.contentType);
  if (/\bgzip\b/.test(c.req.header("accept-encoding") ?? "")) {
    c.header("Content-Encoding", "gzip");
    return c.body(new Uint8Array(asset.gzip));
  }
  return c.body(new Uint8Array(asset.body));
}
