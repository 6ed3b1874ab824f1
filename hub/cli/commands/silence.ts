import { type SilenceView, silenceAnswer, silenceList } from "../../silences/silences-api.ts";
import type { Command, CommandContext } from "../command.ts";
import { UsageError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatAge, formatJson, formatTable } from "../format.ts";
import { silenceRequest } from "./silence-args.ts";

const ACTIONS = ["add", "list", "expire"] as const;
const HELP = "vigil help silence";

/** `vigil silence add|list|expire`: silences and maintenance windows. */
export const silenceCommand: Command = {
  name: "silence",
  args: [
    { name: "add|list|expire", required: true },
    { name: "id", required: false },
  ],
  summary: "silence alerts or plan maintenance: add, list, expire <id>",
  description: [
    "A silence holds back the notifications of the alerts it matches until it ends; the alerts are",
    "still evaluated and recorded (vigil alerts shows them as silenced). A maintenance window is the",
    "same, named as such, and may start later. Every criterion given must match.",
    "",
    "  add          create one: what (--host, --rule, --label, --host-label), how long (--duration",
    "               or --until) and why (--comment). Creating and expiring need the admin token",
    "               (--token or VIGIL_TOKEN), or a shell on the hub's own machine when it has none.",
    "  list         the silences in effect or planned (--all: expired ones too).",
    "  expire <id>  end one now (the first 8 characters of the id are enough).",
    "",
    "Examples:",
    '  vigil silence add --host nas --rule pool-not-online --duration 6h --comment "resilvering sata-bulk"',
    '  vigil silence add --maintenance --host-label site=lab --start 2026-11-24T01:00 --until 2026-11-24T03:00 --comment "UPS swap"',
    "  vigil silence add --label 'mountpoint=~/mnt/scratch.*' --duration 7d --comment \"scratch disk fills by design\"",
  ].join("\n"),
  options: {
    host: { type: "string", multiple: true },
    rule: { type: "string", multiple: true },
    label: { type: "string", multiple: true },
    "host-label": { type: "string", multiple: true },
    duration: { type: "string" },
    until: { type: "string" },
    start: { type: "string" },
    comment: { type: "string" },
    author: { type: "string" },
    maintenance: { type: "boolean" },
    all: { type: "boolean" },
  },
  optionHelp: [
    ["--host <id>", "alerts of this host (repeatable: any of them)"],
    ["--rule <name>", "alerts of this rule (repeatable: any of them)"],
    ["--label <matcher>", "alert label: name=value, name!=value, name=~regex, name!~regex (repeatable: all must match)"],
    ["--host-label <matcher>", "label of the alert's host, same forms (repeatable)"],
    ["--duration <d>", "how long, e.g. 2h, 3d"],
    ["--until <time>", "when it ends: 2026-11-24T03:00 (UTC unless a zone is given) or a duration from now"],
    ["--start <time>", "when it starts (default now), same forms"],
    ["--comment <text>", "why; required, shown with every muted alert"],
    ["--author <name>", "who (recorded)"],
    ["--maintenance", "record it as a maintenance window"],
    ["--all", "list: include expired silences"],
  ],
  async run(ctx) {
    const action = ctx.args["add|list|expire"] as string;
    if (!(ACTIONS as readonly string[]).includes(action)) {
      throw new UsageError(`unknown silence action ${JSON.stringify(action)} (expected add, list or expire)`, HELP);
    }
    const id = ctx.args.id;
    if (action === "expire") {
      if (id === undefined) throw new UsageError('missing <id> for "silence expire"', HELP);
      const { data, raw } = await ctx.hub().call("DELETE", `api/v1/silences/${encodeURIComponent(id)}`, silenceAnswer);
      ctx.io.out(ctx.json ? formatJson(raw) : `Expired ${data.silence.kind} ${data.silence.id}: its alerts are notified again.`);
      return EXIT.ok;
    }
    if (id !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(id)} for "silence ${action}"`, HELP);
    return action === "add" ? add(ctx) : list(ctx);
  },
};

async function add(ctx: CommandContext): Promise<number> {
  const o = ctx.options;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  const text = (v: unknown) => (typeof v === "string" ? v : undefined);
  const body = silenceRequest(
    {
      host: strings(o.host),
      rule: strings(o.rule),
      label: strings(o.label),
      hostLabel: strings(o["host-label"]),
      duration: text(o.duration),
      until: text(o.until),
      start: text(o.start),
      comment: text(o.comment),
      author: text(o.author),
      maintenance: o.maintenance === true,
    },
    ctx.now(),
  );
  const { data, raw } = await ctx.hub().call("POST", "api/v1/silences", silenceAnswer, body);
  if (ctx.json) {
    ctx.io.out(formatJson(raw));
    return EXIT.ok;
  }
  const s = data.silence;
  const start = s.status === "pending" ? ` from ${iso(s.startsAt)}` : "";
  ctx.io.out(`Created ${s.kind} ${s.id}${start} until ${iso(s.endsAt)} (${describeMatchers(s)}).`);
  return EXIT.ok;
}

async function list(ctx: CommandContext): Promise<number> {
  const state = ctx.options.all === true ? "all" : "active,pending";
  const { data, raw } = await ctx.hub().get(`api/v1/silences?state=${state}`, silenceList);
  if (ctx.json) ctx.io.out(formatJson(raw));
  else ctx.io.out(formatSilences(data.silences, ctx.now()));
  return EXIT.ok;
}

function iso(ms: number): string {
  return new Date(ms).toISOString().replace(/:\d\d\.\d{3}Z$/, "Z");
}

/** `host=nas rule=pool-not-online pool=~sata-.*`: what the silence matches, on one line. */
export function describeMatchers(s: Pick<SilenceView, "matchers">): string {
  const m = s.matchers;
  const parts: string[] = [];
  if (m.hosts) parts.push(`host=${m.hosts.join("|")}`);
  if (m.rules) parts.push(`rule=${m.rules.join("|")}`);
  for (const [prefix, set] of [
    ["", m.labels],
    ["host:", m.hostLabels],
  ] as const) {
    for (const [name, v] of Object.entries(set ?? {})) {
      if (typeof v === "string") parts.push(`${prefix}${name}=${v}`);
      else if (v.equals !== undefined) parts.push(`${prefix}${name}=${v.equals}`);
      else if (v.notEquals !== undefined) parts.push(`${prefix}${name}!=${v.notEquals}`);
      else if (v.matches !== undefined) parts.push(`${prefix}${name}=~${v.matches}`);
      else if (v.notMatches !== undefined) parts.push(`${prefix}${name}!~${v.notMatches}`);
      else if (v.oneOf !== undefined) parts.push(`${prefix}${name}=${v.oneOf.join("|")}`);
      else parts.push(`${prefix}${name}!=${(v.notOneOf ?? []).join("|")}`);
    }
  }
  return parts.join(" ");
}

export function formatSilences(silences: readonly SilenceView[], nowMs: number): string {
  if (silences.length === 0) return "No silences.";
  const rows = silences.map((s) => [
    s.id.slice(0, 8),
    s.kind,
    s.status,
    describeMatchers(s),
    s.status === "pending" ? formatAge(nowMs - s.startsAt) : iso(s.startsAt),
    s.status === "expired" ? iso(s.endsAt) : `${iso(s.endsAt)} (${formatAge(nowMs - s.endsAt)})`,
    s.createdBy ?? "-",
    s.comment,
  ]);
  return formatTable(["ID", "KIND", "STATUS", "MATCHES", "STARTS", "ENDS", "BY", "COMMENT"], rows);
}
