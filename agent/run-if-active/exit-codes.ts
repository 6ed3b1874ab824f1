/**
 * Exit statuses of `vigil-agent run-if-active` (docs/failover.md). When the command ran, its own
 * status is passed on (128 + the signal's number when a signal ended it); the others say why it did
 * not run, from sysexits.h so that they do not collide with a shell's 126/127.
 */
export const RUN_EXIT = {
  /** The command ran and succeeded. */
  ok: 0,
  /** The command line is wrong. */
  usage: 64,
  /** The hub is unreachable (or failing) and the group's policy does not let this host run. */
  hubUnreachable: 69,
  /** This host is not the active member (or waits for the previous member's lease): skipped. */
  notActive: 75,
  /** The agent's config is wrong, or the hub refused the question (unknown group, not a member, token). */
  config: 78,
  /** The command exists but cannot be executed. */
  cannotExecute: 126,
  /** The command was not found. */
  notFound: 127,
} as const;
