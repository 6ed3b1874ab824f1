import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** One way a fake executable can answer: chosen by the first case whose pattern matches "$*". */
export interface FakeCase {
  /**
   * A sh `case` pattern matched against the arguments joined by spaces; default `*`. It is pasted into
   * the script as it is, so spaces must be quoted: `'"status -p"*'` matches `status -p` and `status -pv`.
   */
  args?: string;
  /** A file whose bytes are printed on stdout (a real fixture). */
  stdoutFile?: string;
  /** Literal text printed on stdout. */
  stdout?: string;
  stderr?: string;
  exitCode?: number;
  /** Sleeps this long before answering (a hung driver). */
  sleepSeconds?: number;
}

/**
 * Writes an executable `name` into `binDir` (a folder put first on PATH by the test) that prints
 * fixture output. Every call's arguments are appended, one line per call, to `<binDir>/<name>.calls`.
 * Test-only: the fake is a small sh script; product code never goes through a shell.
 */
export function writeFakeBin(binDir: string, name: string, cases: readonly FakeCase[]): string {
  mkdirSync(binDir, { recursive: true });
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const branches = cases.map((c) => {
    const body = [
      c.sleepSeconds !== undefined ? `exec sleep ${c.sleepSeconds}` : "",
      c.stdoutFile !== undefined ? `cat ${q(c.stdoutFile)}` : "",
      c.stdout !== undefined ? `printf '%s' ${q(c.stdout)}` : "",
      c.stderr !== undefined ? `printf '%s\\n' ${q(c.stderr)} >&2` : "",
      `exit ${c.exitCode ?? 0}`,
    ].filter((l) => l !== "");
    return `  ${c.args ?? "*"})\n    ${body.join("\n    ")}\n    ;;`;
  });
  const path = join(binDir, name);
  const calls = join(binDir, `${name}.calls`);
  writeFileSync(
    path,
    `#!/bin/sh\nprintf '%s\\n' "$*" >> ${q(calls)}\ncase "$*" in\n${branches.join("\n")}\n  *)\n    echo "fake ${name}: no case for: $*" >&2\n    exit 64\n    ;;\nesac\n`,
  );
  chmodSync(path, 0o755);
  return path;
}
