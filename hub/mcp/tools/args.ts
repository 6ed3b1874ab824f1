import { z } from "zod";
import { agentId } from "../../../shared/protocol/primitives.ts";
import { hostRunbookUri } from "../runbooks.ts";

/** Argument schemas several tools share, with the descriptions an assistant reads in tools/list. */
export const hostArg = agentId.describe("The host's agent id, as fleet_overview lists it (e.g. gpu-box)");

/** Every answer carries these: whether something was cut, and what. */
export const truncation = {
  truncated: z.boolean().describe("true when the answer was cut to its size limits; notes say what and how to narrow it"),
  notes: z.array(z.string()),
};

export function truncationOf(notes: string[]): { truncated: boolean; notes: string[] } {
  return { truncated: notes.length > 0, notes };
}

/** The runbook resource of a host, when the hub's config has notes for it. */
export function runbookUri(host: string, runbooks: Readonly<Record<string, string>>): string | null {
  return Object.hasOwn(runbooks, host) ? hostRunbookUri(host) : null;
}
