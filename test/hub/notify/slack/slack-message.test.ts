import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildSlackMessage, type SlackBlock } from "../../../../hub/notify/slack/slack-message.ts";
import { gpuAlert, notificationOf, T0 } from "../support/alerts.ts";

const FIXTURES = join(import.meta.dirname, "../../../fixtures/alertmanager-slack");
const ctx = { hubUrl: "https://vigil.example.org" };

function sections(blocks: SlackBlock[]) {
  return blocks.filter((b) => b.type === "section") as Array<SlackBlock & { text: { text: string }; fields: Array<{ text: string }> }>;
}

describe("the Slack message", () => {
  it("names severity, host, the value against its threshold, since when, and links to the hub", () => {
    const msg = buildSlackMessage(notificationOf([gpuAlert()]), ctx, 10);
    expect(msg.text).toBe("FIRING: GpuTemperatureHigh on gpu-box-1");
    expect(msg.blocks[0]).toEqual({
      type: "header",
      text: { type: "plain_text", text: "FIRING: GpuTemperatureHigh on gpu-box-1", emoji: true },
    });
    const [section] = sections(msg.blocks);
    expect(section?.text.text).toBe(":red_circle: *GpuTemperatureHigh* firing\nGPU 0 on gpu-box-1 is at 92.5 °C");
    expect(section?.fields.map((f) => f.text)).toEqual([
      "*Severity*\ncritical",
      "*Host*\n<https://vigil.example.org/api/v1/hosts/gpu-box-1|gpu-box-1>",
      "*Value*\nvalue 92.5 crossed threshold 90",
      `*Since*\n<!date^${T0 / 1000}^{date_short_pretty} {time_secs}|2026-11-23 14:03:11 UTC>`,
    ]);
    expect(msg.blocks).toContainEqual({
      type: "context",
      elements: [
        { type: "mrkdwn", text: "gpu=0" },
        { type: "mrkdwn", text: "model=NVIDIA GeForce RTX 4090" },
      ],
    });
    expect(msg.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Open in Vigil", emoji: true },
          url: "https://vigil.example.org/api/v1/alerts",
          action_id: "open_vigil",
        },
      ],
    });
  });

  it("uses the block and button shapes of Slack's own incoming-webhook example", () => {
    // slackapi/slack-github-action's saved.data.json: top-level text, a section with mrkdwn text, a button with url and action_id.
    const example = JSON.parse(readFileSync(join(FIXTURES, "slack-incoming-webhook-blocks-section-button-image-templated.json"), "utf8"));
    const msg = buildSlackMessage(notificationOf([gpuAlert()]), ctx, 10);
    const exampleSection = example.blocks.find((b: SlackBlock) => b.type === "section");
    const ourSection = sections(msg.blocks)[0] as SlackBlock & { text: object };
    expect(Object.keys(ourSection.text).sort()).toEqual(Object.keys(exampleSection.text).sort());
    expect(ourSection.text).toMatchObject({ type: exampleSection.text.type });
    const ourButton = (msg.blocks.at(-1) as unknown as { elements: Array<Record<string, unknown>> }).elements[0] as Record<string, unknown>;
    for (const key of ["type", "text", "url", "action_id"]) expect(ourButton).toHaveProperty(key);
    expect(ourButton.type).toBe(exampleSection.accessory.type);
    expect(Object.keys(ourButton.text as object).sort()).toEqual(Object.keys(exampleSection.accessory.text).sort());
    expect(typeof msg.text).toBe(typeof example.text);
  });

  it("escapes text from alerts, so a label cannot ping a channel or forge a link", () => {
    const msg = buildSlackMessage(
      notificationOf([
        gpuAlert({ rule: "Disk<!channel>", labels: { mount: "<https://evil.example|click>" }, annotations: { summary: "a & b" } }),
      ]),
      ctx,
      10,
    );
    // Slack reads mentions and links in mrkdwn (and the fallback text); a header is plain_text, shown as written.
    const mrkdwn = JSON.stringify([msg.text, ...msg.blocks.slice(1)]);
    expect(mrkdwn).not.toContain("<!channel>");
    expect(mrkdwn).not.toContain("<https://evil.example");
    expect(msg.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    expect(sections(msg.blocks)[0]?.text.text).toBe(":red_circle: *Disk&lt;!channel&gt;* firing\na &amp; b");
  });

  it("shows a resolved alert with its end time and no threshold crossing", () => {
    const msg = buildSlackMessage(notificationOf([gpuAlert({ status: "resolved", value: 71, endsAt: T0 + 12 * 60_000 })]), ctx, 10);
    expect(msg.text).toBe("RESOLVED: GpuTemperatureHigh on gpu-box-1");
    const fields = sections(msg.blocks)[0]?.fields.map((f) => f.text);
    expect(fields).toContain("*Value*\nvalue 71 back within threshold 90");
    expect(fields).toContainEqual(expect.stringMatching(/^\*Resolved\*\n<!date\^\d+\^.*\|2026-11-23 14:15:11 UTC>$/));
  });

  it("leaves the value out when the condition has none (missing is not zero)", () => {
    const msg = buildSlackMessage(notificationOf([gpuAlert({ rule: "HostDown", value: null, threshold: null, labels: {} })]), ctx, 10);
    const fields = sections(msg.blocks)[0]?.fields.map((f) => f.text) ?? [];
    expect(fields.some((f) => f.startsWith("*Value*"))).toBe(false);
    expect(JSON.stringify(msg)).not.toMatch(/value 0/);
  });

  it("groups alerts firing together into one message, firing and most severe first, and counts what it leaves out", () => {
    const alerts = [
      gpuAlert({ fingerprint: "a", severity: "warning", hostId: "gpu-box-2" }),
      gpuAlert({ fingerprint: "b", status: "resolved", endsAt: T0 + 1000, hostId: "gpu-box-3" }),
      gpuAlert({ fingerprint: "c", hostId: "gpu-box-1" }),
      gpuAlert({ fingerprint: "d", severity: "info", hostId: "gpu-box-4" }),
    ];
    const msg = buildSlackMessage(notificationOf(alerts), ctx, 2);
    expect(msg.text).toBe("FIRING 3, RESOLVED 1: GpuTemperatureHigh on gpu-box-2 and 3 more");
    const hosts = sections(msg.blocks).map((s) => s.fields.find((f) => f.text.startsWith("*Host*"))?.text);
    expect(hosts).toEqual([expect.stringContaining("|gpu-box-1>"), expect.stringContaining("|gpu-box-2>")]);
    expect(msg.blocks).toContainEqual({ type: "context", elements: [{ type: "mrkdwn", text: "…and 2 more alerts in this group" }] });
    expect(msg.blocks.length).toBeLessThanOrEqual(50);
  });

  it("adds a Source button for an Alertmanager alert with an absolute generatorURL, and no hub link without a hub URL", () => {
    const am = gpuAlert({
      source: "alertmanager",
      hostId: null,
      labels: { instance: "10.0.0.5:9100" },
      generatorUrl: "http://prometheus:9090/graph?g0.expr=up",
    });
    const msg = buildSlackMessage(notificationOf([am]), { hubUrl: undefined }, 10);
    expect(msg.blocks.at(-1)).toEqual({
      type: "actions",
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Source", emoji: true },
          url: "http://prometheus:9090/graph?g0.expr=up",
          action_id: "open_source",
        },
      ],
    });
    expect(sections(msg.blocks)[0]?.fields).toContainEqual({ type: "mrkdwn", text: "*Host*\n10.0.0.5:9100" });
  });
});
