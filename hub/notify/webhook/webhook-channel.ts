import type { z } from "zod";
import type { ResolvedSecrets } from "../../../shared/config/load-config.ts";
import type { Secret } from "../../../shared/config/secret.ts";
import type { SendResult } from "../../../shared/http/delivery.ts";
import type { Channel, SendOptions } from "../channel.ts";
import { resultOfAnswer } from "../http/http-result.ts";
import { postBody, transportReason } from "../http/post-json.ts";
import { deliveryId, type Notification, type RenderContext } from "../notification.ts";
import { safeOrigin } from "../secret-url.ts";
import type { webhookChannelConfig } from "./config.ts";
import { SIGNATURE_HEADER, signBody, TIMESTAMP_HEADER } from "./signature.ts";
import { buildWebhookBody } from "./webhook-body.ts";

export type WebhookChannelConfig = ResolvedSecrets<z.infer<typeof webhookChannelConfig>>;

/** POSTs the documented JSON body, signed when a signing secret is configured, with the configured headers. */
export class WebhookChannel implements Channel {
  readonly type = "webhook";
  readonly name: string;
  readonly sendResolved: boolean;
  readonly #url: URL;
  readonly #signingSecret: Secret | undefined;
  readonly #headers: Record<string, Secret>;
  readonly #render: RenderContext;
  readonly #now: () => number;

  constructor(o: { name: string; config: WebhookChannelConfig; url: URL; render: RenderContext; now?: () => number }) {
    this.name = o.name;
    this.sendResolved = o.config.sendResolved;
    this.#url = o.url;
    this.#signingSecret = o.config.signingSecret;
    this.#headers = o.config.headers;
    this.#render = o.render;
    this.#now = o.now ?? Date.now;
  }

  async send(n: Notification, options: SendOptions): Promise<SendResult> {
    const body = JSON.stringify(buildWebhookBody(n, this.#render));
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(this.#headers)) headers[name.toLowerCase()] = value.reveal();
    headers["content-type"] = "application/json; charset=utf-8";
    headers["x-vigil-delivery"] = deliveryId(n);
    if (this.#signingSecret) {
      const timestamp = Math.floor(this.#now() / 1000);
      headers[TIMESTAMP_HEADER] = String(timestamp);
      headers[SIGNATURE_HEADER] = signBody(this.#signingSecret.reveal(), timestamp, body);
    }
    const what = `webhook ${safeOrigin(this.#url)}`;
    try {
      return resultOfAnswer(what, await postBody(this.#url, body, headers, options), this.#now());
    } catch (err) {
      return { kind: "retryable", reason: `cannot reach ${what}: ${transportReason(err)}`, error: err };
    }
  }

  async close(): Promise<void> {}
}
