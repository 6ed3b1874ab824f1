import { spawn } from "node:child_process";
import { constants } from "node:os";
import { RUN_EXIT } from "./exit-codes.ts";

const FORWARDED: readonly NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP", "SIGQUIT"];

export type CommandOutcome =
  { kind: "exited"; exitCode: number; signal: NodeJS.Signals | null } | { kind: "not-started"; exitCode: number; reason: string };

/**
 * Runs the job in the foreground: argv array (no shell), stdio inherited so its output goes where
 * cron or systemd sends ours, and the signals a supervisor sends us (systemd's SIGTERM on stop, a
 * terminal's SIGINT) passed on to it, so stopping the timer's unit stops the job and we exit with
 * its status. Not shared/process/run-command.ts: that one captures output and kills at a timeout,
 * which is right for collectors and wrong for a job that streams its output and runs as long as it needs.
 */
export function spawnCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<CommandOutcome> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    const child = spawn(file as string, args, { stdio: "inherit", env });
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    for (const s of FORWARDED) process.on(s, forward);
    const done = (outcome: CommandOutcome) => {
      for (const s of FORWARDED) process.off(s, forward);
      resolve(outcome);
    };
    child.once("error", (err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") done({ kind: "not-started", exitCode: RUN_EXIT.notFound, reason: `${file}: command not found` });
      else if (err.code === "EACCES") done({ kind: "not-started", exitCode: RUN_EXIT.cannotExecute, reason: `${file}: permission denied` });
      else done({ kind: "not-started", exitCode: RUN_EXIT.cannotExecute, reason: `${file}: ${err.message}` });
    });
    child.once("exit", (code, signal) => {
      const exitCode = code ?? 128 + (signal === null ? 0 : (constants.signals[signal] ?? 0));
      done({ kind: "exited", exitCode, signal });
    });
  });
}
