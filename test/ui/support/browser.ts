import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BrowserContext, chromium, type Page } from "playwright-core";

/** Debian's chromium (`apt-get install chromium`, done by .ci/run); VIGIL_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env.VIGIL_CHROMIUM ?? "/usr/bin/chromium";

/** Screenshots of every page, kept after the run (test-artifacts/ is in .gitignore). */
export const ARTIFACTS = join(import.meta.dirname, "..", "..", "..", "test-artifacts", "ui");

/**
 * Flags for a closed network: without the last five Chromium keeps trying to reach Google's
 * services (updates, sync, QUIC probes) and floods the log with refused connections.
 */
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export interface Browser {
  context: BrowserContext;
  /** A fresh tab (its own sessionStorage, so its own sign-in). */
  page(viewport?: { width: number; height: number }): Promise<Page>;
  /** Console messages about the Content-Security-Policy, and uncaught errors, from every tab. */
  problems: string[];
  close(): Promise<void>;
}

/**
 * Starts Chromium with a fresh profile. A missing Chromium fails with what to install: the browser
 * tests never pass by being skipped.
 */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `the dashboard's browser tests need Chromium at ${CHROMIUM}: install it with 'apt-get install -y --no-install-recommends chromium' (.ci/run does), or set VIGIL_CHROMIUM`,
    );
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), "vigil-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    timeout: 30_000,
  });
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on("console", (m) => {
      if (/Content.Security.Policy/i.test(m.text())) problems.push(`${page.url()}: ${m.text()}`);
    });
    page.on("pageerror", (err) => problems.push(`${page.url()}: ${err.message}`));
  };
  return {
    context,
    problems,
    async page(viewport) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      page.setDefaultTimeout(15_000);
      watch(page);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** Waits until the page's refresh loop has drawn at least once (the footer says when). */
export async function refreshed(page: Page): Promise<void> {
  await page.locator("#updated").filter({ hasText: "Updated" }).waitFor();
}
