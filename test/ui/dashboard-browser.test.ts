import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoStack, startDemoStack } from "../../scripts/demo-stack.ts";
import { batchEnvelope } from "../support/batches.ts";
import { waitFor } from "../support/processes.ts";
import { type Browser, launchBrowser, refreshed, screenshot } from "./support/browser.ts";

/**
 * The dashboard in Chromium, against the built hub fed by the three demo agents (real agents, fake
 * tools printing recorded outputs). One hub, agents and browser for the whole file: starting them is
 * most of the time.
 */

const ROOT = join(import.meta.dirname, "..", "..");
const ADMIN = "ui-admin-token-4d1e";
const VIEWER = "ui-viewer-token-8a6b";
const AGENT = "ui-agent-token-c3f0";
const RULE = "ui-test-hot-gpu";

let dir = "";
let stack: DemoStack;
let browser: Browser;
let slack: { server: Server; url: string; bodies: string[] };

function startSlackReceiver(): Promise<typeof slack> {
  const bodies: string[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => {
      body += d.toString();
    });
    req.on("end", () => {
      bodies.push(body);
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, bodies }),
    ),
  );
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist", "hub", "ui", "model", "format.js"))) {
    throw new Error("the browser tests run the built hub: run `npm run build` (npm test does) first");
  }
  browser = await launchBrowser();
  slack = await startSlackReceiver();
  dir = mkdtempSync(join(tmpdir(), "vigil-ui-"));
  stack = await startDemoStack({
    dir,
    interval: "1s",
    adminToken: ADMIN,
    viewerToken: VIEWER,
    agentToken: AGENT,
    output: "collect",
    hubYaml:
      `ui: { refreshInterval: 1s }\n` +
      `notify:\n  channels:\n    team-slack: { type: slack, url: "${slack.url}" }\n` +
      `rules:\n  - { name: ${RULE}, series: vigil_gpu_temperature_celsius, condition: ">", critical: 90 }\n`,
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  slack?.server.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function signIn(page: Page, token: string, path = "/ui/"): Promise<void> {
  await page.goto(`${stack.hubUrl}${path}`);
  await page.waitForURL(/\/ui\/login\?next=/);
  await page.fill("#token", token);
  await page.click("#login-form button[type=submit]");
  await page.waitForURL((url) => url.pathname === path);
  await refreshed(page);
}

/** The text of each cell of a table's rows. */
async function rows(page: Page, tableId: string): Promise<string[][]> {
  return page
    .locator(`#${tableId} tbody tr`)
    .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => (td.textContent ?? "").trim())));
}

// Generous limits for a loaded CI machine; every wait inside is bounded on its own.
describe("the dashboard in a browser", { timeout: 60_000 }, () => {
  it("is served by the built hub: every page's module, the compiled view models, uPlot and the stylesheet", async () => {
    const models = readdirSync(join(ROOT, "hub", "ui", "model")).map((f) => f.replace(/\.ts$/, ".js"));
    const statics = readdirSync(join(ROOT, "hub", "ui", "static"));
    const paths = [
      ...models.map((m) => `/ui/model/${m}`),
      ...statics.map((s) => `/ui/static/${s}`),
      "/ui/vendor/uPlot.esm.js",
      "/ui/vendor/uPlot.min.css",
    ];
    for (const path of paths) {
      const res = await fetch(`${stack.hubUrl}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toMatch(path.endsWith(".css") ? /^text\/css/ : /^text\/javascript/);
    }
  });

  it("overview, as a viewer: every host worst first with its figures, the demo banner, and no admin controls", async () => {
    const page = await browser.page();
    await page.goto(`${stack.hubUrl}/ui/login`);
    await page.fill("#token", "not-a-token-of-this-hub");
    await page.click("#login-form button[type=submit]");
    await expect.poll(() => page.locator("#login-error").textContent()).toBe("This hub does not accept that token.");
    await signIn(page, VIEWER);
    await expect.poll(() => page.locator("#session").textContent(), { timeout: 10_000 }).toContain("viewer");
    // gpu-box: three failed units fire critical alerts; nas: its DEGRADED pool (one critical); cpu-box: a stale file (a warning).
    await expect
      .poll(() => page.locator(".host-card").evaluateAll((cards) => cards.map((c) => c.getAttribute("data-host"))), { timeout: 20_000 })
      .toEqual(["gpu-box", "nas", "cpu-box"]);
    const gpuBox = page.locator('.host-card[data-host="gpu-box"]');
    await expect.poll(() => gpuBox.textContent()).toContain("H100 80GB HBM3 59 °C · 100 % busy · 24 % mem");
    expect(await gpuBox.textContent()).toContain("3 units failed");
    expect(await gpuBox.textContent()).toContain("pool0 ONLINE 12 %");
    expect(await page.locator('.host-card[data-host="nas"]').textContent()).toContain("pool sata-bulk is DEGRADED");
    expect(await page.locator(".banner.demo").textContent()).toContain("Every host here runs on fake tools printing recorded outputs");
    const firing = await rows(page, "firing-alerts");
    expect(firing.map((r) => r[1]?.split(" ")[0])).toEqual(
      expect.arrayContaining(["unit-failed", "pool-not-online", "freshness-exceeded"]),
    );
    await screenshot(page, "overview");

    await page.goto(`${stack.hubUrl}/ui/alerts`);
    await refreshed(page);
    expect(await page.locator("#silence-admin-only").textContent()).toContain("needs an admin token");
    expect(await page.locator("#silence-form").count()).toBe(0);
    await page.close();
  });

  it("host pages: charts from the series API, the GPU, the vdev tree with error counters, containers, units, probes", async () => {
    const page = await browser.page();
    await signIn(page, ADMIN, "/ui/hosts/gpu-box");
    for (const chart of ["cpu", "memory", "gpu-temperature", "gpu-power", "gpu-utilization", "gpu-memory", "pool-capacity"]) {
      await page.locator(`#chart-${chart} canvas`).waitFor({ timeout: 20_000 });
    }
    expect(await page.locator("#chart-pool-capacity").getAttribute("data-series")).toBe("2");
    expect(await rows(page, "gpu-table")).toEqual([
      ["0", "NVIDIA H100 80GB HBM3", "59 °C", "100 %", "19.4 GiB of 79.6 GiB", "632 W of 700 W", "3"],
    ]);
    expect((await rows(page, "vdevs-pool0")).map((r) => r.slice(0, 2))).toEqual([
      ["pool0", "ONLINE"],
      ["raidz1-0", "ONLINE"],
      ["ata-TOSHIBA_MG09ACA18TE_82J0A00FFJDH", "ONLINE"],
      ["ata-TOSHIBA_MG09ACA18TE_82X0A0QMFJDH", "ONLINE"],
      ["ata-TOSHIBA_MG09ACA18TE_82X0A0QPFJDH", "ONLINE"],
    ]);
    expect((await rows(page, "container-table"))[0]?.slice(0, 4)).toEqual([
      "lab-nature-localnet-nyxdab",
      "nerdctl",
      "docker.io/library/localnet-nyxd:v0.60.1",
      "running",
    ]);
    expect((await rows(page, "unit-table")).slice(0, 3).map((r) => r.slice(0, 2))).toEqual([
      ["gpu-exporter.service", "failed"],
      ["model-sync.service", "failed"],
      ["vllm.service", "failed"],
    ]);
    expect((await rows(page, "probe-table"))[0]?.slice(0, 3)).toEqual(["hub-health", "http", "ok"]);
    await page.click('button[data-range="24h"]');
    await expect.poll(() => page.locator('button[data-range="24h"]').getAttribute("aria-pressed")).toBe("true");
    await page.locator("#chart-cpu canvas").waitFor();
    await screenshot(page, "host-gpu-box");

    await page.goto(`${stack.hubUrl}/ui/hosts/nas`);
    await refreshed(page);
    const faulted = (await rows(page, "vdevs-sata-bulk")).find((r) => r[1] === "FAULTED");
    expect(faulted).toEqual(["ata-WDC_WD80EFZZ-68BTXN0_WD-CA1XXXX2", "FAULTED", "12", "340", "0"]);
    expect(await page.locator('.pool[data-pool="sata-bulk"] h3').textContent()).toContain("resilver in progress 22.6 %");
    await screenshot(page, "host-nas");

    // No GPU on the CPU box: no GPU chart and a table that says so, never a GPU at 0.
    await page.goto(`${stack.hubUrl}/ui/hosts/cpu-box`);
    await refreshed(page);
    await page.locator("#chart-cpu canvas").waitFor({ timeout: 20_000 });
    expect(await page.locator("#chart-gpu-temperature").count()).toBe(0);
    expect(await rows(page, "gpu-table")).toEqual([["No GPU reported (no nvidia-smi on this host, or the collector is off)."]]);
    await page.close();
  });

  it("is readable on a phone: nothing wider than the screen", async () => {
    const page = await browser.page({ width: 390, height: 844 });
    await signIn(page, VIEWER, "/ui/hosts/gpu-box");
    await page.locator("#chart-cpu canvas").waitFor({ timeout: 20_000 });
    // Neither the page nor any table scrolls sideways: long names (disk ids, images) wrap.
    const overflow = () =>
      page.evaluate(() => {
        // Runs in the page; typed by hand, as the project's TypeScript has no DOM library.
        type Box = { scrollWidth: number; clientWidth: number };
        const w = globalThis as unknown as {
          innerWidth: number;
          document: { documentElement: Box; querySelectorAll(s: string): ArrayLike<Box> };
        };
        const tables = Array.from(w.document.querySelectorAll(".table-wrap"));
        return Math.max(w.document.documentElement.scrollWidth - w.innerWidth, ...tables.map((t) => t.scrollWidth - t.clientWidth));
      });
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-host-gpu-box");
    await page.goto(`${stack.hubUrl}/ui/`);
    await page.locator(".host-card").first().waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot(page, "phone-overview");
    await page.close();
  });

  it("failover and the actions audit, as an admin", async () => {
    const run = await fetch(`${stack.hubUrl}/api/v1/actions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({
        agentId: "gpu-box",
        action: "zpool-scrub",
        params: { pool: "pool0" },
        reason: "monthly scrub",
        waitMs: 15_000,
      }),
    });
    expect(run.status).toBe(200);
    const page = await browser.page();
    await signIn(page, ADMIN, "/ui/failover");
    await expect.poll(() => page.locator("#group-ollama .active-member").textContent()).toBe("ollama-gpu");
    expect(await page.locator("#group-ollama .epoch").textContent()).toBe("1");
    expect((await rows(page, "members-ollama")).map((r) => r.slice(0, 4))).toEqual([
      ["ollama-gpu active", "gpu-box", "primary", "up"],
      ["ollama-cpu", "cpu-box", "fallback", "up"],
    ]);
    expect((await rows(page, "history-ollama"))[0]?.slice(1, 5)).toEqual(["1", "", "ollama-gpu", "initial"]);
    await screenshot(page, "failover");

    await page.goto(`${stack.hubUrl}/ui/actions`);
    await refreshed(page);
    const [newest] = await rows(page, "action-table");
    expect(newest?.slice(1, 5)).toEqual(["gpu-box", "zpool-scrub pool=pool0monthly scrub", "user:admin", "succeeded"]);
    expect(newest?.[5]).toMatch(/^exit 0 after \d+ ms/);
    await screenshot(page, "actions");
    await page.close();
  });

  it("a silence created in the UI stops the notification of an alert that then fires, which shows as silenced", async () => {
    const page = await browser.page();
    await signIn(page, ADMIN, "/ui/alerts");
    await page.fill("#silence-hosts", "hot-silenced");
    await page.fill("#silence-rules", RULE);
    await page.fill("#silence-duration", "1h");
    await page.fill("#silence-comment", "fan swap on hot-silenced");
    await page.click("#silence-form button[type=submit]");
    await expect.poll(() => page.locator("#silence-error").textContent()).toMatch(/^Silence [0-9a-f]{8} created\.$/);
    await expect
      .poll(async () => (await rows(page, "silence-table"))[0]?.slice(0, 3))
      .toEqual(["active", `hosts hot-silenced · rules ${RULE}`, "fan swap on hot-silenced"]);

    // The same crossing on two hosts, through ingest: only the unsilenced one may reach Slack.
    const push = async (agentId: string) => {
      const batch = batchEnvelope({
        agentId,
        timestamp: Date.now(),
        samples: [{ name: "vigil_gpu_temperature_celsius", labels: { gpu: "0" }, value: 95 }],
      });
      const res = await fetch(`${stack.hubUrl}/api/v1/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${AGENT}` },
        body: JSON.stringify(batch),
      });
      expect(res.status).toBe(200);
    };
    await push("hot-silenced");
    await push("hot-control");
    await waitFor(
      "Slack to be told about hot-control",
      () => slack.bodies.some((b) => b.includes("hot-control") && b.includes(RULE)) || undefined,
      15_000,
    );
    expect(slack.bodies.filter((b) => b.includes("hot-silenced"))).toEqual([]);

    await page.reload();
    await refreshed(page);
    await expect
      .poll(async () => (await rows(page, "active-alerts")).find((r) => r[1]?.startsWith(RULE) && r[2] === "hot-silenced"), {
        timeout: 10_000,
      })
      .toBeDefined();
    const row = (await rows(page, "active-alerts")).find((r) => r[1]?.startsWith(RULE) && r[2] === "hot-silenced");
    expect(row?.[0]).toBe("critical");
    expect(row?.[5]).toBe("silenced: fan swap on hot-silenced");
    const control = (await rows(page, "active-alerts")).find((r) => r[1]?.startsWith(RULE) && r[2] === "hot-control");
    expect(control?.[5]).not.toContain("silenced");
    await screenshot(page, "alerts-silenced");

    await page.locator("#silence-table button", { hasText: "Expire" }).click();
    await expect.poll(async () => (await rows(page, "silence-table"))[0]?.[0]).toBe("No silence is active or pending.");
    await page.close();
  });

  it("broke no Content-Security-Policy rule and threw no error on any page", () => {
    expect(browser.problems).toEqual([]);
  });
});
