import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { batchEnvelope, gzipJson } from "../../support/batches.ts";
import { freePort, getJson, useProcesses, waitFor } from "../../support/processes.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { useReceivers } from "./support/receiver.ts";

/**
 * The whole path in the built hub: an agent's batch carrying a threshold-crossing sample, the
 * rules engine firing, the notifier, the outbox, and the Slack receiver getting the message; then
 * the sample back under the threshold and the resolved message.
 */

const tempDir = useTempDirs();
const start = useProcesses();
const startReceiver = useReceivers();

describe("from ingest to Slack", () => {
  it("notifies a threshold crossing and its resolution with the value, the threshold and the host", async () => {
    const dir = tempDir();
    const slack = await startReceiver();
    const port = await freePort();
    const file = join(dir, "hub.yaml");
    writeFileSync(
      file,
      stringify({
        listen: `127.0.0.1:${port}`,
        dataDir: join(dir, "data"),
        publicUrl: "https://vigil.example.org",
        builtinRules: { "gpu-temperature": false },
        rules: [
          {
            name: "gpu-hot",
            series: "vigil_gpu_temperature_celsius",
            condition: ">",
            critical: 90,
            cooldown: "1s",
            annotations: { summary: "GPU {{labels.gpu}} on {{host}} is at {{value}} °C" },
          },
        ],
        notify: { channels: { chat: { type: "slack", url: `${slack.url}/services/T/B/token` } } },
      }),
    );
    const hub = start("hub/main.js", ["--config", file], {});
    const url = `http://127.0.0.1:${port}`;
    await waitFor("the hub to be ready", async () => (await getJson(`${url}/readyz`)).status === 200 || undefined, 20_000);

    const push = async (sequence: number, value: number) => {
      const body = gzipJson(
        batchEnvelope({
          agentId: "gpu-box",
          sequence,
          timestamp: Date.now(),
          samples: [{ name: "vigil_gpu_temperature_celsius", labels: { gpu: "0", uuid: "GPU-5e1c" }, value }],
        }),
      );
      const res = await fetch(`${url}/api/v1/ingest`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
        body,
        signal: AbortSignal.timeout(5000),
      });
      expect(res.status).toBe(200);
    };

    await push(1, 72);
    await push(2, 95.5);
    const firing = JSON.parse((await waitFor("the firing message", () => slack.accepted[0])).body);
    expect(firing.text).toBe("FIRING: gpu-hot on gpu-box");
    const section = firing.blocks.find((b: { type: string }) => b.type === "section");
    expect(section.text.text).toBe(":red_circle: *gpu-hot* firing\nGPU 0 on gpu-box is at 95.5 °C");
    expect(section.fields.map((f: { text: string }) => f.text)).toEqual([
      "*Severity*\ncritical",
      "*Host*\n<https://vigil.example.org/api/v1/hosts/gpu-box|gpu-box>",
      "*Value*\nvalue 95.5 crossed threshold 90",
      expect.stringMatching(/^\*Since\*\n<!date\^\d+\^\{date_short_pretty\} \{time_secs\}\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC>$/),
    ]);

    await push(3, 70);
    const resolved = JSON.parse((await waitFor("the resolved message", () => slack.accepted[1])).body);
    expect(resolved.text).toBe("RESOLVED: gpu-hot on gpu-box");
    expect(slack.accepted).toHaveLength(2);
    expect(hub.output()).not.toContain("/services/T/B/token");
  });
});
