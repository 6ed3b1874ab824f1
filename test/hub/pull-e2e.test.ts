import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { HostLatest, HostList } from "../../shared/api/hosts.ts";
import { freePort, getJson, useProcesses, waitFor } from "../support/processes.ts";
import { parsePromText } from "../support/prom-text.ts";
import { useTempDirs } from "../support/temp-dir.ts";

const tempDir = useTempDirs();
const start = useProcesses();

describe("pull mode with the real programs", () => {
  it("the hub scrapes a pull-mode agent with its token, stores its batches, and marks it down when it stops", async () => {
    const dir = tempDir();
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const agent = start("agent/main.js", [], {
      VIGIL_AGENT_ID: "pulled-a",
      VIGIL_HUB_MODE: "pull",
      VIGIL_AGENT_TOKEN: "tok-pulled-6b1d",
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_HUB_URL: hubUrl,
      VIGIL_DATA_DIR: join(dir, "agent"),
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    });
    const config = join(dir, "hub.yaml");
    writeFileSync(
      config,
      [
        "pull:",
        "  interval: 1s",
        "  timeout: 5s",
        "  agents:",
        `    - { id: pulled-a, url: "http://127.0.0.1:${agentPort}", token: { env: PULLED_A_TOKEN } }`,
        "",
      ].join("\n"),
    );
    const hub = start("hub/main.js", ["--config", config], {
      VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(dir, "hub"),
      PULLED_A_TOKEN: "tok-pulled-6b1d",
    });

    const host = await waitFor(
      "the pulled agent's system samples at the hub",
      async () => {
        const latest = await getJson<HostLatest>(`${hubUrl}/api/v1/hosts/pulled-a/latest`);
        return latest.status === 200 && latest.body.samples.some((s) => s.name === "vigil_load1") ? latest.body.host : undefined;
      },
      30_000,
      200,
    );
    expect(host).toMatchObject({ id: "pulled-a", status: "up", mode: "pull" });
    expect(host.lastSequence).toBeGreaterThanOrEqual(1);

    const metrics = parsePromText(await (await fetch(`${hubUrl}/metrics`)).text());
    expect(metrics.get("vigil_hub_pull_up")?.samples).toEqual([{ name: "vigil_hub_pull_up", labels: { agent: "pulled-a" }, value: 1 }]);
    expect(metrics.get("vigil_load1")?.samples[0]?.labels).toEqual({ agent: "pulled-a" });

    const beforeKill = hub.output().length;
    agent.child.kill("SIGKILL");
    await agent.exited;
    // Down after three missed intervals of 1 s, as a pushed host would be.
    await waitFor(
      "the pulled host to turn down",
      async () => (await getJson<HostList>(`${hubUrl}/api/v1/hosts`)).body.hosts[0]?.status === "down" || undefined,
      20_000,
      200,
    );
    const afterKill = () => hub.output().slice(beforeKill);
    await waitFor("the hub to log the failed scrape", () => afterKill().includes('"msg":"pull scrape failed"') || undefined, 10_000);
    await waitFor("the hub to log the host down", () => hub.output().includes('"msg":"host down"') || undefined, 10_000);
    expect(hub.output()).not.toContain("tok-pulled-6b1d");
    // Every second a scrape fails, and it is logged once.
    expect(afterKill().match(/pull scrape failed/g)).toHaveLength(1);
  });
});
