import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { makeTestHub } from "../hub/registry-helpers.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const ROOT = join(import.meta.dirname, "..", "..");
const REMOTE = "192.0.2.10";

const ADMIN = "admin-token-3b7f";
const VIEWER = "viewer-token-91c2";
const AGENT = "agent-token-55aa";
const TOKENS = `auth:\n  adminTokens: [${ADMIN}]\n  viewerTokens: [${VIEWER}]\n  agentTokens: [${AGENT}]\n`;

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("the dashboard's pages and files", () => {
  it("serves each page as a shell with no inline script, under a CSP that forbids inline scripts and styles", async () => {
    const hub = makeTestHub(tempDir());
    for (const [path, page] of [
      ["/ui/", "overview"],
      ["/ui/alerts", "alerts"],
      ["/ui/failover", "failover"],
      ["/ui/actions", "actions"],
      ["/ui/hosts/gpu-box", "host"],
      ["/ui/login", "login"],
    ] as const) {
      const res = await hub.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/html/);
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      const html = await res.text();
      expect(html).toContain(`data-page="${page}"`);
      expect(html).toContain(`<script type="module" src="/ui/static/${page}.js"></script>`);
      // Every script has a src; no inline script or style attribute anywhere.
      expect(html.match(/<script(?![^>]*\ssrc=)[^>]*>/g)).toBeNull();
      expect(html).not.toMatch(/\sstyle=/);
    }
    const root = await hub.request("/");
    expect([root.status, root.headers.get("location")]).toEqual([302, "/ui/"]);
  });

  it("serves the static files from the sources, gzip-compressed on request, revalidated by ETag; nothing outside its folders", async () => {
    const hub = makeTestHub(tempDir());
    const css = readFileSync(join(ROOT, "hub", "ui", "static", "app.css"));
    const plain = await hub.request("/ui/static/app.css");
    expect(plain.status).toBe(200);
    expect(plain.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(Buffer.from(await plain.arrayBuffer()).equals(css)).toBe(true);

    const gz = await hub.request("/ui/static/app.css", { headers: { "accept-encoding": "gzip, deflate, br" } });
    expect(gz.headers.get("content-encoding")).toBe("gzip");
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).equals(css)).toBe(true);

    const etag = plain.headers.get("etag") ?? "";
    expect(etag).toMatch(/^"[\w-]{22}"$/);
    expect((await hub.request("/ui/static/app.css", { headers: { "if-none-match": etag } })).status).toBe(304);

    const uplot = await hub.request("/ui/vendor/uPlot.esm.js");
    expect([uplot.status, uplot.headers.get("content-type")]).toEqual([200, "text/javascript; charset=utf-8"]);
    expect(await uplot.text()).toContain("export { uPlot as default }");

    for (const path of [
      "/ui/static/..%2F..%2F..%2Fpackage.json",
      "/ui/static/page.ts",
      "/ui/static/missing.js",
      "/ui/vendor/uPlot.cjs.js",
      "/ui/model/format.ts",
    ]) {
      expect((await hub.request(path)).status, path).toBe(404);
    }
  });

  it("ui.enabled: false leaves only the API", async () => {
    const hub = makeTestHub(tempDir(), { yaml: "ui: { enabled: false }\n" });
    expect((await hub.request("/ui/")).status).toBe(404);
    expect((await hub.request("/ui/static/app.css")).status).toBe(404);
    expect((await hub.request("/api/v1/session")).status).toBe(200);
  });

  it("refuses a refresh interval outside 1 s to 5 min, naming the setting", () => {
    expect(() => makeTestHub(tempDir(), { yaml: "ui: { refreshInterval: 100ms }\n" })).toThrow(/ui\.refreshInterval.*between 1s and 5m/);
  });
});

describe("roles: GET /api/v1/session", () => {
  it("without tokens: admin from this machine (as the admin API), an open reader from elsewhere", async () => {
    const hub = makeTestHub(tempDir(), { yaml: "ui: { refreshInterval: 7s }\n" });
    const local = await (await hub.request("/api/v1/session")).json();
    expect(local).toEqual({
      role: "admin",
      via: "loopback",
      canRead: true,
      canAdmin: true,
      viewerTokensConfigured: false,
      adminTokensConfigured: false,
      refreshIntervalMs: 7000,
      version: "test",
    });
    expect(await (await hub.request("/api/v1/session", {}, REMOTE)).json()).toMatchObject({
      role: "anonymous",
      canRead: true,
      canAdmin: false,
    });
    // Behind a proxy on the same machine a request is not local.
    const proxied = await hub.request("/api/v1/session", { headers: { "x-forwarded-for": "203.0.113.5" } });
    expect(await proxied.json()).toMatchObject({ role: "anonymous", via: "none" });
  });

  it("with viewer and admin tokens: each token its role, none may not read, a wrong one is refused", async () => {
    const hub = makeTestHub(tempDir(), { yaml: TOKENS });
    const session = async (init: RequestInit = {}) => {
      const res = await hub.request("/api/v1/session", init);
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    expect((await session()).body).toMatchObject({ role: "anonymous", canRead: false, canAdmin: false, viewerTokensConfigured: true });
    expect((await session(bearer(VIEWER))).body).toMatchObject({ role: "viewer", via: "token", canRead: true, canAdmin: false });
    expect((await session(bearer(ADMIN))).body).toMatchObject({ role: "admin", via: "token", canRead: true, canAdmin: true });
    const wrong = await session(bearer("not-a-token"));
    expect([wrong.status, (wrong.body.error as { code: string }).code]).toEqual([401, "READ_TOKEN_INVALID"]);
    const malformed = await session({ headers: { authorization: "Basic dXNlcjpwdw==" } });
    expect(malformed.status).toBe(401);
  });
});

describe("the viewer role on the read API (auth.viewerTokens)", () => {
  it("guards every read but the agents' own calls and the actions API (which has its own); writes still need admin", async () => {
    const hub = makeTestHub(tempDir(), { yaml: TOKENS });
    expect((await hub.push({ token: AGENT })).status).toBe(200);
    const code = async (res: Response) => [res.status, ((await res.json()) as { error?: { code: string } }).error?.code];

    expect(await code(await hub.request("/api/v1/hosts"))).toEqual([401, "READ_TOKEN_MISSING"]);
    expect(await code(await hub.request("/api/v1/hosts", bearer("nope")))).toEqual([401, "READ_TOKEN_INVALID"]);
    expect((await hub.request("/api/v1/hosts", { method: "HEAD" })).status).toBe(401);
    for (const path of [
      "/api/v1/hosts",
      "/api/v1/alerts",
      "/api/v1/silences",
      "/api/v1/notifications",
      "/api/v1/series?name=vigil_load1",
    ]) {
      expect((await hub.request(path, bearer(VIEWER))).status, path).toBe(200);
      expect((await hub.request(path, bearer(ADMIN))).status, path).toBe(200);
    }
    // Not the viewer role's to decide: the public key is public, the audit wants an operator or admin.
    expect((await hub.request("/api/v1/actions/public-key")).status).toBe(200);
    expect(await code(await hub.request("/api/v1/actions", bearer(VIEWER)))).toEqual([401, "ACTION_TOKEN_INVALID"]);
    expect((await hub.request("/api/v1/actions", bearer(ADMIN))).status).toBe(200);

    const silence = { matchers: { hosts: ["gpu-box"] }, duration: "1h", comment: "fans" };
    const post = (token: string) =>
      hub.request("/api/v1/silences", {
        method: "POST",
        body: JSON.stringify(silence),
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      });
    expect(await code(await post(VIEWER))).toEqual([401, "ADMIN_TOKEN_INVALID"]);
    expect((await post(ADMIN)).status).toBe(201);
  });

  it("leaves reading open when no viewer token is configured, as before", async () => {
    const hub = makeTestHub(tempDir(), { yaml: `auth:\n  adminTokens: [${ADMIN}]\n` });
    expect((await hub.request("/api/v1/hosts", {}, REMOTE)).status).toBe(200);
    expect((await hub.request("/api/v1/hosts", bearer("anything"), REMOTE)).status).toBe(200);
  });
});
