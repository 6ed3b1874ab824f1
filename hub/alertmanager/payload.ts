import { z } from "zod";

/**
 * RFC 3339 as Go writes it (`2019-04-05T17:43:18.465349398Z`, `2016-04-07T10:08:52-06:00`): up to nine
 * fractional digits, which Date.parse does not promise to accept. Go's zero time
 * (`0001-01-01T00:00:00Z`, an unset endsAt) and anything before 1970 read as null.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?([Zz]|[+-]\d{2}:\d{2})$/;

export function parseRfc3339(text: string): number | null | undefined {
  const m = RFC3339.exec(text.trim());
  if (!m) return undefined;
  const millis = (m[3] ?? "").slice(0, 3).padEnd(3, "0");
  const zone = m[4] === "z" ? "Z" : m[4];
  const ms = Date.parse(`${m[1]}T${m[2]}.${millis}${zone}`);
  if (Number.isNaN(ms)) return undefined;
  return ms < 0 ? null : ms;
}

const time = z.string().transform((text, ctx) => {
  const ms = parseRfc3339(text);
  if (ms === undefined) {
    ctx.addIssue({ code: "custom", message: 'expected an RFC 3339 time such as "2024-05-01T12:00:00Z"', input: text });
    return z.NEVER;
  }
  return ms;
});

const stringMap = z.record(z.string(), z.string());

/** One alert of an Alertmanager webhook payload. Older Alertmanagers leave out status, fingerprint and generatorURL. */
export const alertmanagerAlert = z.object({
  status: z.enum(["firing", "resolved"]).optional(),
  labels: stringMap,
  annotations: stringMap.default({}),
  startsAt: time,
  endsAt: time.optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string().optional(),
});
export type AlertmanagerAlert = z.infer<typeof alertmanagerAlert>;

/**
 * The body of Alertmanager's webhook_config (payload version 4, documented in Alertmanager's
 * docs/configuration.md). Read non-strictly, so fields added later (notification_reason) are
 * ignored; a payload without `version` (Alertmanager before 0.x added it) has the same shape.
 */
export const alertmanagerPayload = z.object({
  version: z.literal("4", { error: 'expected "4" (the Alertmanager webhook payload version this hub reads)' }).optional(),
  groupKey: z.string().optional(),
  truncatedAlerts: z.int().nonnegative().optional(),
  status: z.enum(["firing", "resolved"]),
  receiver: z.string(),
  groupLabels: stringMap.default({}),
  commonLabels: stringMap.default({}),
  commonAnnotations: stringMap.default({}),
  externalURL: z.string().optional(),
  alerts: z.array(alertmanagerAlert).max(10_000, { error: "at most 10000 alerts per payload" }),
});
export type AlertmanagerPayload = z.infer<typeof alertmanagerPayload>;
