import { generateKeyPairSync } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { startCatalogReport, summarizeCatalog } from "../../../agent/actions/catalog-report.ts";
import { actionsConfigSchema } from "../../../agent/actions/config.ts";
import { formatPublicKey } from "../../../shared/actions/signing.ts";
import { Secret } from "../../../shared/config/secret.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { startFaultyHub } from "../../support/faulty-hub.ts";
import { waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";

const tempDir = useTempDirs();
const stops: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

const CATALOG = actionsConfigSchema.parse({
  hubPublicKey: formatPublicKey(generateKeyPairSync("ed25519").publicKey),
  catalog: {
    "restart-unit": {
      description: "restart one of the inference services",
      risk: "caution",
      argv: ["/usr/bin/sudo", "-n", "/usr/bin/systemctl", "restart", "{unit}"],
      params: { unit: { type: "enum", values: ["ollama-gpu.service"] } },
      target: "unit:{unit}",
      timeout: "90s",
    },
    "zfs-snapshot": {
      risk: "safe",
      argv: ["/usr/sbin/zfs", "snapshot", { splice: "{dataset}@{name}" }],
      params: { dataset: { type: "enum", values: ["nvme-fast/models"] }, name: { type: "string", pattern: "vigil-[a-z0-9-]{1,40}" } },
    },
  },
}).catalog;

describe("the agent's catalog summary", () => {
  it("has each action's risk, parameter rules, target and timeout, and never its argv", () => {
    const summary = summarizeCatalog("gpu-box", CATALOG, 1_790_000_000_000);
    expect(summary).toEqual({
      agentId: "gpu-box",
      reportedAt: 1_790_000_000_000,
      actions: [
        {
          name: "restart-unit",
          description: "restart one of the inference services",
          risk: "caution",
          params: { unit: { type: "enum", values: ["ollama-gpu.service"] } },
          target: "unit:{unit}",
          timeoutMs: 90_000,
        },
        {
          name: "zfs-snapshot",
          risk: "safe",
          params: {
            dataset: { type: "enum", values: ["nvme-fast/models"] },
            name: { type: "string", pattern: "vigil-[a-z0-9-]{1,40}", maxLength: 128, allowLeadingDash: false },
          },
          target: "zfs-snapshot",
          timeoutMs: 60_000,
        },
      ],
    });
    expect(JSON.stringify(summary)).not.toContain("/usr/bin/sudo");
  });
});

describe("reporting the catalog to the hub", () => {
  async function report(faults: Array<{ status: number }>, refreshMs: number) {
    const hub = await startFaultyHub(tempDir());
    stops.push(() => hub.close());
    hub.faults.push(...faults);
    const lines: string[] = [];
    const reporter = startCatalogReport({
      catalog: CATALOG,
      agentId: "gpu-box",
      hubUrl: hub.url,
      token: () => new Secret("agent-secret-token-3", "test"),
      backoff: { initialMs: 20, maxMs: 100 },
      requestTimeoutMs: 5000,
      logger: createLogger({ component: "agent", write: (l) => void lines.push(l) }),
      refreshMs,
    });
    stops.push(() => reporter.stop());
    const stored = () =>
      hub.store.db.prepare("SELECT agent_id, actions FROM action_catalogs").all() as Array<{ agent_id: string; actions: string }>;
    return { hub, lines, stored };
  }

  it("retries through 503s until the hub stores it, logs the failure once and the recovery, never the token", async () => {
    const r = await report([{ status: 503 }, { status: 503 }, { status: 502 }], 60_000);
    await waitFor("the catalog at the hub", () => (r.stored().length === 1 && r.lines.length === 3 ? true : undefined), 10_000, 20);
    expect(r.hub.state.requests).toBe(4);
    expect(JSON.parse(r.stored()[0]?.actions ?? "[]").map((a: { name: string }) => a.name)).toEqual(["restart-unit", "zfs-snapshot"]);
    const messages = r.lines.map((l) => JSON.parse(l).msg);
    expect(messages).toEqual([
      "reporting the action catalog to the hub failed; retrying",
      "reporting the action catalog to the hub failed; retrying",
      "action catalog reported to the hub",
    ]);
    expect(r.lines.join("\n")).not.toContain("agent-secret-token-3");
  });

  it("sends it again after the refresh interval, and asks a hub that does not know the endpoint (404) only at that pace", async () => {
    const r = await report([{ status: 404 }], 600);
    await waitFor("the first attempt", () => (r.hub.state.requests >= 1 ? true : undefined), 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // With a 20 ms backoff a retry would have come by now; a 404 waits for the refresh.
    expect(r.hub.state.requests).toBe(1);
    await waitFor("the second attempt, stored", () => (r.stored().length === 1 ? true : undefined), 10_000, 20);
    await waitFor("a refresh", () => (r.hub.state.requests >= 3 ? true : undefined), 10_000, 20);
  });
});
