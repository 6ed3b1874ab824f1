#!/usr/bin/env node
/**
 * `npm run demo`: a hub and three agents on this machine whose tools are fakes printing recorded
 * outputs (scripts/demo-hosts.ts), so every page of the dashboard has something to show. Everything
 * lives in a temporary folder and goes when the demo stops. Run from the sources (`node
 * scripts/demo.ts`, after `npm run build`): the hub and agents themselves run from dist/.
 *
 *   VIGIL_DEMO_PORT   the hub's port (default 9470)
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { assertNodeVersion } from "../shared/runtime.ts";
import { startDemoStack } from "./demo-stack.ts";

async function main(): Promise<void> {
  assertNodeVersion("vigil demo");
  if (!existsSync(join(import.meta.dirname, "..", "dist", "hub", "main.js"))) {
    throw new Error("dist/ is missing: run `npm run build` first (npm run demo does)");
  }
  const port = Number(process.env.VIGIL_DEMO_PORT ?? 9470);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`VIGIL_DEMO_PORT: expected a port number, got "${process.env.VIGIL_DEMO_PORT}"`);
  const dir = mkdtempSync(join(tmpdir(), "vigil-demo-"));
  const stack = await startDemoStack({ dir, hubPort: port, interval: "2s", output: "inherit" });
  const cleanUp = async () => {
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on("SIGINT", cleanUp);
  process.on("SIGTERM", cleanUp);

  // One action that runs and one the agent refuses, so the audit is not empty.
  await runAction(stack.hubUrl, { agentId: "gpu-box", action: "zpool-scrub", params: { pool: "pool0" }, reason: "demo: monthly scrub" });
  await runAction(stack.hubUrl, { agentId: "gpu-box", action: "zpool-scrub", params: { pool: "tank" }, reason: "demo: not whitelisted" });

  process.stderr.write(
    [
      "",
      `  Vigil demo: ${stack.hubUrl}/ui/`,
      "",
      ...stack.hosts.map((h) => `  ${h.id.padEnd(8)} ${h.role}`),
      "",
      "  DEMO DATA: the agents' nvidia-smi, zpool, nerdctl and systemctl are fakes printing recorded outputs",
      "  (test/fixtures/); CPU, memory and network are this machine's. The dashboard says so in a banner.",
      `  Without tokens the hub lets this machine in as admin. Files: ${dir} (removed on exit). Ctrl-C stops.`,
      "",
      "",
    ].join("\n"),
  );
}

async function runAction(hubUrl: string, body: Record<string, unknown>): Promise<void> {
  try {
    await fetch(`${hubUrl}/api/v1/actions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...body, waitMs: 5000 }),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    process.stderr.write(`vigil demo: the example action did not finish: ${(err as Error).message}\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`vigil demo: ${(err as Error).message}\n`);
  process.exit(1);
});
