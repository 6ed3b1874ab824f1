// What every page shares: who is signed in, the demo banner, the refresh loop and error display.
import { api, ApiError, clearToken } from "./api.js";
import { fill, h } from "./dom.js";
import { formatTime } from "../model/format.js";

/**
 * @typedef {{ role: "admin"|"viewer"|"anonymous", via: string, canRead: boolean, canAdmin: boolean,
 *   viewerTokensConfigured: boolean, adminTokensConfigured: boolean, refreshIntervalMs: number, version: string }} Session
 * @typedef {{ session: Session, main: HTMLElement, refreshMs: number, refresh: () => Promise<void> }} PageContext
 */

/** Sends the browser to the sign-in page, remembering where it was (a path, never a token). */
export function goToLogin() {
  const next = location.pathname + location.search;
  location.assign(`/ui/login?next=${encodeURIComponent(next)}`);
}

/**
 * Starts a page: checks the session, lets `setup` build the page once, then calls the `refresh` it
 * returns now and every refresh interval while the tab is visible (at once when it becomes visible
 * again). A failed refresh shows its error above the page and keeps the last data; the next one
 * tries again.
 * @param {(ctx: PageContext) => Promise<{ refresh: () => Promise<void> }> | { refresh: () => Promise<void> }} setup
 */
export async function startPage(setup) {
  const main = /** @type {HTMLElement} */ (document.getElementById("main"));
  const refreshMs = Number(document.body.dataset.refreshMs) || 5000;
  /** @type {Session} */
  let session;
  try {
    session = await api("/api/v1/session");
  } catch (err) {
    // A token the hub no longer accepts: sign in again.
    if (err instanceof ApiError && err.status === 401) {
      clearToken();
      return goToLogin();
    }
    return showError(err);
  }
  showSession(session);
  if (!session.canRead) return goToLogin();

  const status = h("p", { class: "updated muted", id: "updated", "aria-live": "polite" });
  document.body.append(h("footer", { class: "foot" }, status, h("span", { class: "muted" }, `\u00a0· Vigil ${session.version}`)));
  /** @type {{ refresh: () => Promise<void> }} */
  let page = { refresh: async () => {} };
  let running = false;
  const refresh = async () => {
    if (running) return;
    running = true;
    try {
      await page.refresh();
      clearError();
      fill(status, `Updated ${formatTime(Date.now())}, every ${Math.round(refreshMs / 1000)} s`);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) return goToLogin();
      showError(err);
    } finally {
      running = false;
    }
  };
  main.replaceChildren();
  page = await setup({ session, main, refreshMs, refresh });
  await refresh();
  showDemoBanner().catch(() => {});
  setInterval(() => {
    if (!document.hidden) refresh();
  }, refreshMs);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
}

/** @param {Session} s */
function showSession(s) {
  const el = document.getElementById("session");
  if (!el) return;
  const who =
    s.role === "anonymous"
      ? s.viewerTokensConfigured
        ? "not signed in"
        : "reading openly"
      : `${s.role}${s.via === "loopback" ? " (this machine)" : ""}`;
  const signOut = h(
    "button",
    {
      type: "button",
      class: "link",
      on: {
        click: () => {
          clearToken();
          location.assign("/ui/login");
        },
      },
    },
    s.via === "token" ? "Sign out" : "Sign in",
  );
  fill(el, h("span", { class: `role role-${s.role}` }, who), " ", signOut);
}

/** Hosts labelled demo=true run on recorded outputs (`npm run demo`): say so on every page. */
async function showDemoBanner() {
  const { hosts } = await api("/api/v1/hosts");
  const demo = hosts.filter((/** @type {{labels: Record<string,string>}} */ host) => host.labels.demo === "true");
  if (demo.length === 0) return;
  const banners = document.getElementById("banners");
  if (!banners || banners.querySelector(".demo")) return;
  banners.append(
    h(
      "div",
      { class: "banner demo", role: "note" },
      h("strong", {}, "Demo data. "),
      `${demo.length === hosts.length ? "Every host here runs" : `${demo.length} of the ${hosts.length} hosts here run`} on fake tools printing recorded outputs (npm run demo): their GPUs, pools, containers and units are not real.`,
    ),
  );
}

/** @param {unknown} err */
export function showError(err) {
  const banners = document.getElementById("banners");
  if (!banners) return;
  const text = err instanceof ApiError ? `${err.message} (${err.code})` : err instanceof Error ? err.message : String(err);
  let el = banners.querySelector(".error");
  if (!el) {
    el = h("div", { class: "banner error", role: "alert" });
    banners.prepend(el);
  }
  fill(el, h("strong", {}, "Could not refresh: "), text);
}

function clearError() {
  document.getElementById("banners")?.querySelector(".error")?.remove();
}

/** A titled section of a page. @param {string} title @param {{ id?: string }} [opts] @param {...unknown} children */
export function section(title, opts = {}, ...children) {
  return h("section", { class: "card", id: opts.id }, h("h2", {}, title), ...children);
}
