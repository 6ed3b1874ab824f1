import { z } from "zod";
import { secret } from "../../../shared/config/schema-helpers.ts";
import { channelBaseFields } from "../channel-base.ts";
import { secretUrl } from "../secret-url.ts";

/** Headers the webhook channel sets itself: configuring one of them would break the body or its signature. */
export const RESERVED_WEBHOOK_HEADERS = [
  "content-type",
  "content-length",
  "host",
  "transfer-encoding",
  "connection",
  "x-vigil-signature-256",
  "x-vigil-timestamp",
  "x-vigil-delivery",
];

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;

/** Header names are checked here rather than by a key schema, whose failures zod reports only as "Invalid key". */
const headers = z.record(z.string(), secret).superRefine((h, ctx) => {
  for (const name of Object.keys(h)) {
    if (!HEADER_NAME.test(name))
      ctx.addIssue({ code: "custom", path: [name], message: "must be an HTTP header name (letters, digits, '-')" });
    else if (RESERVED_WEBHOOK_HEADERS.includes(name.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: [name], message: "is set by Vigil itself and cannot be configured" });
    }
  }
});

/** A generic JSON webhook (docs/notifications.md, "Webhook body"), optionally HMAC-SHA256 signed. */
export const webhookChannelConfig = z.strictObject({
  type: z.literal("webhook"),
  url: secretUrl,
  /** Key of the X-Vigil-Signature-256 header (HMAC-SHA256 over "<timestamp>.<body>"); no signature without it. */
  signingSecret: secret.optional(),
  /** Extra headers, e.g. Authorization; values are secrets (never logged). */
  headers: headers.default({}),
  ...channelBaseFields,
});
