import { ConfigError } from "../config/config-error.ts";
import type { Logger } from "../log/logger.ts";
import { stopWhenParentExits } from "../runtime.ts";
import { DatabaseOpenError } from "../sqlite/open-database.ts";

/**
 * Runs `stop` once on SIGTERM, SIGINT or the loss of a supervising parent, logging why, then exits 0.
 * Shared by the long-running programs so they all stop the same way under systemd and `npm start`.
 */
export function stopOnSignals(logger: Logger, what: string, stop: () => Promise<void>): void {
  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${what} stopping`, { signal: reason });
    try {
      await stop();
    } catch (err) {
      logger.error(`${what} did not stop cleanly`, { err });
      process.exit(1);
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  stopWhenParentExits((reason) => void shutdown(reason));
}

/**
 * Ends a program that could not start. Problems the user can fix (config, database, a busy port) get
 * one clear line and exit 2; anything else is a bug: its stack and exit 1.
 */
export function exitOnStartupFailure(program: string, listenEnvVar: string, err: unknown): never {
  if (err instanceof ConfigError || err instanceof DatabaseOpenError) {
    process.stderr.write(`${program}: ${err.message}\n`);
    process.exit(2);
  }
  const e = err as NodeJS.ErrnoException;
  if (e.code === "EADDRINUSE" || e.code === "EACCES" || e.code === "EADDRNOTAVAIL") {
    process.stderr.write(`${program}: cannot listen: ${e.message}; set 'listen' in the config or ${listenEnvVar}\n`);
    process.exit(2);
  }
  process.stderr.write(`${program}: fatal: ${e.stack ?? String(err)}\n`);
  process.exit(1);
}
