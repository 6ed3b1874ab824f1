/**
 * The process exit codes of `vigil`, stable for scripts:
 * 0 ok, 1 the hub answered with an error (or an answer this CLI cannot read),
 * 2 the command line or the environment is wrong, 3 the hub could not be reached in time.
 */
export const EXIT = {
  ok: 0,
  hubError: 1,
  usage: 2,
  unreachable: 3,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
