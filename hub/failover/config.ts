import { z } from "zod";
import { actionParams } from "../../shared/actions/api.ts";
import type { ResolvedSecrets } from "../../shared/config/load-config.ts";
import { duration, secret } from "../../shared/config/schema-helpers.ts";
import { actionName, agentId } from "../../shared/protocol/primitives.ts";

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$/;
const NAME_ERROR = "expected 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit";
const MEMBER_KINDS = ["ollama", "openai", "http", "job"] as const;
const CHECK_KINDS = ["ollama", "openai", "http", "freshness"] as const;

export const groupName = z.string().regex(NAME, { error: NAME_ERROR });
const httpUrl = z.url({ protocol: /^https?$/, error: "expected an http:// or https:// URL" });
/** Request headers sent to the member (checks and proxied requests); values are secrets since they often carry API keys. */
const headers = z.record(z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, { error: "expected an HTTP header name" }), secret);

const ollamaCheck = z.strictObject({
  kind: z.literal("ollama"),
  /** Default: the member's url. */
  url: httpUrl.optional(),
  /** Also ask the model for a one-token answer, which proves it loads and runs, not only that the server answers. */
  generate: z
    .strictObject({
      model: z.string().min(1).max(200),
      prompt: z.string().min(1).max(1000).default("Reply with OK."),
      /** The generation runs at most this often; its last outcome counts in between (a GPU is not kept busy by health checks). */
      every: duration({ min: "1s", max: "1d" }).default(60_000),
      timeout: duration({ min: "100ms", max: "10m" }).default(30_000),
    })
    .optional(),
});

const openaiCheck = z.strictObject({
  kind: z.literal("openai"),
  /** The server's base URL, without /v1 (default: the member's url). */
  url: httpUrl.optional(),
  /** A model id /v1/models must list. */
  model: z.string().min(1).max(200).optional(),
});

const httpCheck = z.strictObject({
  kind: z.literal("http"),
  /** Default: the member's url. */
  url: httpUrl.optional(),
  method: z.enum(["GET", "HEAD"]).default("GET"),
  /** Statuses that pass; default any 2xx. Redirects are not followed. */
  expectStatus: z
    .union([z.int().min(100).max(599), z.array(z.int().min(100).max(599)).min(1)], { error: "expected an HTTP status or a list of them" })
    .transform((v) => (typeof v === "number" ? [v] : v))
    .optional(),
});

const freshnessCheck = z.strictObject({
  kind: z.literal("freshness"),
  /** The name of a freshness probe of the member's agent (collectors.probes). */
  probe: z.string().min(1).max(128),
  /** Older output fails the member; default: the probe's own maxAge (vigil_freshness_max_age_seconds). */
  maxAge: duration({ min: "1s" }).optional(),
  /** The agent reporting the probe; default: the member's host. */
  host: agentId.optional(),
});

const check = z.discriminatedUnion("kind", [ollamaCheck, openaiCheck, httpCheck, freshnessCheck], {
  error: (issue) => {
    if (issue.code !== "invalid_union") return undefined;
    const input = issue.input as { kind?: unknown } | undefined;
    const got = input?.kind === undefined ? "none" : JSON.stringify(input.kind);
    return `expected kind ${CHECK_KINDS.map((k) => JSON.stringify(k)).join(", ")}, got ${got}`;
  },
});

/** A whitelisted action (the agent's actions.catalog decides what it may run) asked for when a member becomes active or stops being active. */
const actionRef = z.strictObject({
  action: actionName,
  /** The agent to ask; default: the member's host. */
  host: agentId.optional(),
  params: actionParams.default({}),
  /** Needed by the agent for danger actions. */
  confirm: z.boolean().default(false),
});

const member = z
  .strictObject({
    /** The member's name, unique in its group: what the API, the CLI and `run-if-active --member` call it. */
    name: z.string().regex(NAME, { error: NAME_ERROR }),
    /** The agent id of the host it runs on: `run-if-active` on that host asks about it. */
    host: agentId,
    kind: z.enum(MEMBER_KINDS, { error: `expected kind ${MEMBER_KINDS.map((k) => JSON.stringify(k)).join(", ")}` }),
    /** Base URL of the endpoint (ollama, openai, http): checked, and where the proxy forwards. */
    url: httpUrl.optional(),
    /** The job's name (kind job), for people reading the status. */
    job: z.string().min(1).max(128).optional(),
    headers: headers.default({}),
    /**
     * One check or a list (all must pass). Default for ollama/openai/http: the kind's own check of
     * `url`; required for job. A single check is read as a list of one (errors name it check[0]).
     */
    check: z.preprocess((v) => (v === undefined || Array.isArray(v) ? v : [v]), z.array(check).min(1).optional()),
    onActivate: z.array(actionRef).default([]),
    onDeactivate: z.array(actionRef).default([]),
  })
  .superRefine((m, ctx) => {
    if (m.kind !== "job" && m.url === undefined) {
      ctx.addIssue({ code: "custom", path: ["url"], message: `is required for kind "${m.kind}" (the endpoint's base URL)` });
    }
    if (m.kind === "job" && m.check === undefined) {
      ctx.addIssue({ code: "custom", path: ["check"], message: 'is required for kind "job" (e.g. { kind: freshness, probe: <name> })' });
    }
    if (m.job !== undefined && m.kind !== "job") ctx.addIssue({ code: "custom", path: ["job"], message: 'is only used with kind "job"' });
    (m.check ?? []).forEach((c, i) => {
      const path = ["check", i, "url"];
      if (c.kind !== "freshness" && c.url === undefined && m.url === undefined) {
        ctx.addIssue({ code: "custom", path, message: `is required: the member has no url to check` });
      }
    });
  })
  .transform(({ check, ...m }) => ({ ...m, checks: check ?? [defaultCheck(m.kind)] }));

function defaultCheck(kind: (typeof MEMBER_KINDS)[number]): z.output<typeof check> {
  if (kind === "ollama") return { kind: "ollama" };
  if (kind === "openai") return { kind: "openai" };
  return { kind: "http", method: "GET" };
}

const group = z
  .strictObject({
    /** In priority order: the first is the primary, the others fallbacks. */
    members: z.array(member).min(1, { error: "a group needs at least one member (the first is the primary)" }),
    check: z
      .strictObject({
        interval: duration({ min: "100ms", max: "1h" }).default(2_000),
        /** One member's check, all its requests included. */
        timeout: duration({ min: "50ms", max: "10m" }).default(1_500),
        /** A member is down after this many failed checks in a row. */
        failAfter: z.int().min(1).max(1000).default(3),
        /** A down member is back after this many passed checks in a row ... */
        recoverAfter: z.int().min(1).max(1000).default(3),
        /** ... and this long without a failure. Failback waits for both too. */
        hold: duration({ max: "7d" }).default(30_000),
      })
      .prefault({}),
    /** auto: back to a higher member once it has recovered and held; manual: only on a failure or an operator's pin. */
    failback: z.enum(["auto", "manual"], { error: 'expected "auto" or "manual"' }).default("auto"),
    /** What `run-if-active` does when it cannot reach the hub: the primary runs and fallbacks do not, or nobody runs. */
    unreachable: z.enum(["primary-runs", "none-run"], { error: 'expected "primary-runs" or "none-run"' }).default("primary-runs"),
    /**
     * How long a `run-if-active` yes lets a host start the job (also without the hub, until it runs
     * out). A new member is told yes only once the old one's leases have run out, so this bounds how
     * long a switch waits; keep it shorter than the job's interval.
     */
    lease: duration({ min: "1s", max: "1d" }).default(10_000),
    /** /proxy/<group>/... on the hub forwards to the active member. */
    proxy: z
      .strictObject({
        enabled: z.boolean().default(false),
        /** Longest wait for the member's response headers, and between two chunks of its body. */
        timeout: duration({ min: "1s", max: "1h" }).default(600_000),
        /** Bearer tokens clients must send; with none, the proxy is open to whoever reaches the hub. Not forwarded. */
        tokens: z.array(secret).default([]),
      })
      .prefault({}),
  })
  .superRefine((g, ctx) => {
    const seen = new Set<string>();
    g.members.forEach((m, i) => {
      if (seen.has(m.name)) ctx.addIssue({ code: "custom", path: ["members", i, "name"], message: `another member is named "${m.name}"` });
      seen.add(m.name);
      if (g.proxy.enabled && m.url === undefined) {
        ctx.addIssue({ code: "custom", path: ["members", i, "url"], message: "is required when proxy.enabled (where requests go)" });
      }
    });
  });

/** `failover` in the hub's config: groups of members, the first of each the primary (docs/failover.md). */
export const failoverConfigSchema = z.strictObject({
  groups: z.record(groupName, group).default({}),
});

export type FailoverConfig = ResolvedSecrets<z.output<typeof failoverConfigSchema>>;
export type GroupConfig = FailoverConfig["groups"][string];
export type MemberConfig = GroupConfig["members"][number];
export type CheckConfig = MemberConfig["checks"][number];
export type ActionRef = MemberConfig["onActivate"][number];
