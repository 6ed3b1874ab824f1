import { z } from "zod";
import { groupList, groupStatus } from "../../failover/api.ts";
import { bounded, LIMITS } from "../compact/bounded.ts";
import { truncation, truncationOf } from "./args.ts";
import { defineTool } from "./tool-kit.ts";

const input = z.object({
  group: z.string().min(1).max(64).optional().describe("One group, with its recent switches (default: every group, without history)"),
});

const member = z.object({
  name: z.string(),
  host: z.string(),
  role: z.string(),
  status: z.string(),
  detail: z.string().nullable(),
});

const output = z.object({
  groups: z.array(
    z.object({
      group: z.string(),
      active: z.string(),
      activeHost: z.string(),
      epoch: z.int(),
      since: z.int(),
      reason: z.string(),
      available: z.boolean(),
      pinned: z.string().nullable(),
      members: z.array(member),
      history: z
        .array(z.object({ at: z.int(), from: z.string().nullable(), to: z.string(), cause: z.string(), reason: z.string() }))
        .optional(),
    }),
  ),
  ...truncation,
});

type Group = z.output<typeof groupStatus>;

/** The failover groups: which member serves, the members' health, recent switches. */
export const failoverGroups = defineTool({
  name: "failover_groups",
  title: "Failover groups",
  description:
    "Inference failover groups: the active member and host, whether the group can serve, each member's health, a pin if one is set, and (for one group) its recent switches.",
  input,
  output,
  annotations: { readOnlyHint: true, openWorldHint: false },
  async run(args, ctx) {
    const notes: string[] = [];
    const groups: Group[] =
      args.group === undefined
        ? (await ctx.api.get("/api/v1/failover", groupList)).groups
        : [await ctx.api.get(`/api/v1/failover/${encodeURIComponent(args.group)}`, groupStatus)];
    const structured = {
      groups: groups.map((g) => ({
        group: g.group,
        active: g.active,
        activeHost: g.activeHost,
        epoch: g.epoch,
        since: g.since,
        reason: g.reason,
        available: g.available,
        pinned: g.pin ? `${g.pin.member} until ${new Date(g.pin.until).toISOString()} by ${g.pin.by}` : null,
        members: g.members.map((m) => ({ name: m.name, host: m.host, role: m.role, status: m.status, detail: m.detail })),
        ...(g.history
          ? {
              history: bounded(g.history, LIMITS.failoverHistory, `${g.group} history`, notes).map((h) => ({
                at: h.at,
                from: h.from,
                to: h.to,
                cause: h.cause,
                reason: h.reason,
              })),
            }
          : {}),
      })),
      ...truncationOf(notes),
    };
    const lines = structured.groups.length ? [] : ["No failover groups are configured."];
    for (const g of structured.groups) {
      lines.push(
        `${g.group}: ${g.active} on ${g.activeHost} (epoch ${g.epoch}, ${g.reason})${g.available ? "" : ", UNAVAILABLE"}${g.pinned ? `, pinned ${g.pinned}` : ""}`,
      );
      for (const m of g.members) lines.push(`- ${m.name} on ${m.host} (${m.role}): ${m.status}${m.detail ? `, ${m.detail}` : ""}`);
    }
    lines.push(...notes.map((n) => `note: ${n}`));
    return { structured, summary: lines.join("\n") };
  },
});
