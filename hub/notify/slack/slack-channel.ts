import type { SendResult } from "../../../shared/http/delivery.ts";
import type { ResolvedSecrets } from "../../../shared/config/load-config.ts";
import type { z } from "zod";
import type { Channel, SendOptions } from "../channel.ts";
import { postBody, transportReason } from "../http/post-json.ts";
import type { Notification, RenderContext } from "../notification.ts";
import { safeOrigin } from "../secret-url.ts";
import type { slackChannelConfig } from "./config.ts";
import { buildSlackMessage } from "./slack-message.ts";
import { slackResult } from "./slack-response.ts";

export type SlackChannelConfig = ResolvedSecrets<z.infer<typeof slackChannelConfig>>;

/** Posts Block Kit messages to a Slack incoming webhook. */
export class SlackChannel implements Channel {
  readonly type = "slack";
  readonly name: string;
  readonly sendResolved: boolean;
  readonly #url: URL;
  readonly #maxAlerts: number;
  readonly #render: RenderContext;
  readonly #now: () => number;

  constructor(o: { name: string; config: SlackChannelConfig; url: URL; render: RenderContext; now?: () => number }) {
    this.name = o.name;
    this.sendResolved = o.config.sendResolved;
    this.#url = o.url;
    this.#maxAlerts = o.config.maxAlerts;
    this.#render = o.render;
    this.#now = o.now ?? Date.now;
  }

  async send(n: Notification, options: SendOptions): Promise<SendResult> {
    const body = JSON.stringify(buildSlackMessage(n, this.#render, this.#maxAlerts));
    try {
      const answer = await postBody(this.#url, body, { "content-type": "application/json; charset=utf-8" }, options);
      return slackResult(answer, this.#now());
    } catch (err) {
      // The URL's path is the webhook's secret: only its origin is named.
      return { kind: "retryable", reason: `cannot reach Slack at ${safeOrigin(this.#url)}: ${transportReason(err)}`, error: err };
    }
  }

  async close(): Promise<void> {}
}
