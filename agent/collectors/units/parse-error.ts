/**
 * systemctl printed something that is not what the command prints: the cycle fails with this error,
 * which names the command's output and what was wrong, so a changed format is never read as data.
 */
export class SystemctlOutputError extends Error {
  override readonly name = "SystemctlOutputError";

  /** `what` names the output, e.g. "systemctl show"; `reason` says what was wrong and where. */
  constructor(what: string, reason: string) {
    super(`${what}: ${reason}`);
  }
}

/** A line for an error message: at most 120 characters, quoted. */
export function quoteLine(line: string): string {
  return JSON.stringify(line.length > 120 ? `${line.slice(0, 120)}...` : line);
}
