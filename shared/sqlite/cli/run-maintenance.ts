import { existsSync, statfsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { ConfigError } from "../../config/config-error.ts";
import { BackupError, backupDatabase } from "../backup.ts";
import { inspectDatabase } from "../inspect-database.ts";
import { RestoreError, restoreDatabase } from "../restore.ts";
import { checkLines, formatCheck } from "./check-report.ts";
import { formatBytes, formatSeconds } from "./format-bytes.ts";
import { MAINTENANCE_EXIT, type MaintenanceCommand, parseMaintenanceArgs } from "./maintenance-args.ts";

/** What the maintenance commands need to know about one program (vigil-hub, vigil-agent). */
export interface MaintenanceProgram {
  program: string;
  /** The commands this program offers (the agent has no restore). */
  commands: readonly MaintenanceCommand[];
  /** The variable naming the config file when --config is not given. */
  configEnvVar: string;
  /** Loads and validates the program's configuration (throws ConfigError); says where the database is. */
  loadConfig(configFile: string | undefined): { databaseFile: string; configSource: string };
  /** The newest schema version this build knows: the program's migration count. */
  latestVersion: number;
  /** For messages and to tell a hub database from an agent's: its name and tables it must have. */
  kind: { name: string; tables: readonly string[] };
}

export interface MaintenanceIo {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: MaintenanceIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

/** Runs one maintenance command to its end and returns the exit code (MAINTENANCE_EXIT). */
export async function runMaintenance(
  argv: readonly string[],
  command: MaintenanceCommand,
  p: MaintenanceProgram,
  io: MaintenanceIo,
): Promise<number> {
  let args: ReturnType<typeof parseMaintenanceArgs>;
  try {
    args = parseMaintenanceArgs(argv, command);
  } catch (err) {
    io.err(`${p.program} ${command}: ${(err as Error).message}\nRun '${p.program} ${command} --help' for usage.\n`);
    return MAINTENANCE_EXIT.usage;
  }
  if (args.help) {
    io.out(usage(p, command));
    return MAINTENANCE_EXIT.ok;
  }
  let where: { databaseFile: string; configSource: string };
  try {
    where = p.loadConfig(args.configFile);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`${p.program}: ${err.message}\n`);
    return MAINTENANCE_EXIT.usage;
  }
  if (command === "check") return check(p, where, io);
  const file = resolve(args.file as string);
  return command === "backup" ? backup(p, where.databaseFile, file, io) : restore(p, where.databaseFile, file, io);
}

function check(p: MaintenanceProgram, where: { databaseFile: string; configSource: string }, io: MaintenanceIo): number {
  const { databaseFile } = where;
  const started = performance.now();
  const database = existsSync(databaseFile) ? inspectDatabase(databaseFile, { integrity: "full", maxProblems: 10 }) : undefined;
  const lines = checkLines({
    program: p.program,
    configSource: where.configSource,
    databaseFile,
    database,
    integrityMs: performance.now() - started,
    latestVersion: p.latestVersion,
    kind: p.kind,
    diskFreeBytes: database ? freeBytes(dirname(databaseFile)) : undefined,
  });
  io.out(`${p.program} check\n${formatCheck(lines)}`);
  return lines.some((l) => l.status === "problem") ? MAINTENANCE_EXIT.problems : MAINTENANCE_EXIT.ok;
}

async function backup(p: MaintenanceProgram, databaseFile: string, file: string, io: MaintenanceIo): Promise<number> {
  try {
    const r = await backupDatabase(databaseFile, file);
    io.out(
      `${p.program}: backup of ${databaseFile} written to ${r.file}: ${formatBytes(r.bytes)}` +
        `${r.gzip ? ` (${formatBytes(r.databaseBytes)} uncompressed)` : ""}, schema version ${r.schemaVersion}, ` +
        `integrity_check ok; copy ${formatSeconds(r.copyMs)}, check ${formatSeconds(r.verifyMs)}` +
        `${r.gzip ? `, gzip ${formatSeconds(r.compressMs)}` : ""}\n`,
    );
    return MAINTENANCE_EXIT.ok;
  } catch (err) {
    if (!(err instanceof BackupError)) throw err;
    io.err(`${p.program} backup: ${err.message}\n`);
    return err.kind === "usage" ? MAINTENANCE_EXIT.usage : MAINTENANCE_EXIT.problems;
  }
}

async function restore(p: MaintenanceProgram, databaseFile: string, file: string, io: MaintenanceIo): Promise<number> {
  try {
    const r = await restoreDatabase({
      backup: file,
      target: databaseFile,
      latestVersion: p.latestVersion,
      kind: p.kind,
      program: p.program,
    });
    const migrate =
      r.schemaVersion < r.latestVersion
        ? `schema version ${r.schemaVersion}, migrated to ${r.latestVersion} when ${p.program} starts`
        : `schema version ${r.schemaVersion}`;
    const kept =
      r.replacedKeptAt === undefined
        ? "There was no database to replace."
        : r.replacedDamaged === undefined
          ? `The replaced database is kept at ${r.replacedKeptAt}.`
          : `The replaced database could not be read (${r.replacedDamaged}); it was moved, as it was, to ${r.replacedKeptAt}.`;
    io.out(
      `${p.program}: restored ${file} into ${databaseFile} (${formatBytes(r.databaseBytes)}, ${migrate}, integrity_check ok).\n` +
        `${kept}\nStart ${p.program} again (systemctl start ${p.program}).\n`,
    );
    return MAINTENANCE_EXIT.ok;
  } catch (err) {
    if (!(err instanceof RestoreError)) throw err;
    io.err(`${p.program} restore: ${err.message}\n`);
    return err.kind === "usage" ? MAINTENANCE_EXIT.usage : MAINTENANCE_EXIT.problems;
  }
}

function freeBytes(dir: string): number | undefined {
  try {
    const s = statfsSync(dir);
    return s.bavail * s.bsize;
  } catch {
    return undefined;
  }
}

function usage(p: MaintenanceProgram, command: MaintenanceCommand): string {
  const config = `  -c, --config FILE   YAML config (default: $${p.configEnvVar}, else built-in defaults); says where the database is\n  -h, --help          show this help\n`;
  const exits = "Exit codes: 0 ok, 1 problems found (or the operation failed or was refused), 2 usage or configuration error.\n";
  if (command === "backup") {
    return (
      `Usage: ${p.program} backup FILE [--config FILE]\n\n` +
      `Writes a consistent copy of the ${p.kind.name} to FILE while ${p.program} keeps running, checks the copy with\n` +
      "SQLite's integrity_check, and gives it its name only then. A FILE ending in .gz is gzip-compressed.\n" +
      `FILE must not exist yet.\n\nOptions:\n${config}\n${exits}`
    );
  }
  if (command === "restore") {
    return (
      `Usage: ${p.program} restore FILE [--config FILE]\n\n` +
      `Replaces the ${p.kind.name} with the backup FILE (plain or gzip). Refuses while ${p.program} is running, and a\n` +
      "backup that is damaged, is not this program's database, or was written by a newer Vigil. The replaced\n" +
      "database is kept beside it as <database>.replaced-<UTC time>.\n\n" +
      `Options:\n${config}\n${exits}`
    );
  }
  return (
    `Usage: ${p.program} check [--config FILE]\n\n` +
    `Validates the configuration and the ${p.kind.name}: integrity, schema version, size, write-ahead log, free disk.\n` +
    `Reads only; safe while ${p.program} runs.\n\nOptions:\n${config}\n${exits}`
  );
}
