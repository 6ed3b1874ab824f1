import { closeSync, constants, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import { ConfigError } from "../../shared/config/config-error.ts";
import { Secret } from "../../shared/config/secret.ts";

/**
 * The agent token kept by enrollment, or undefined when there is no file yet. A file that exists but
 * cannot be used is a ConfigError (the agent stops with exit status 2), naming the file and what to do.
 */
export function readTokenFile(file: string): { token: Secret; looseMode: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return undefined;
    throw new ConfigError(file, [{ path: "", message: `cannot read the agent token (${code ?? (err as Error).message})` }]);
  }
  const value = text.trim();
  if (value === "") throw new ConfigError(file, [{ path: "", message: "the agent token file is empty; remove it to enroll again" }]);
  // Group or other may read it: say so (the caller logs it), but the token still works.
  const looseMode = (statSync(file).mode & 0o077) !== 0;
  return { token: new Secret(value, `file:${file}`), looseMode };
}

/**
 * Writes the token so that it never exists with looser permissions than 0600 and is never half
 * written: a new file opened with O_CREAT|O_EXCL and mode 0600 (the umask can only tighten it),
 * written and synced, then renamed over the final name, and the folder synced so the rename survives
 * a crash.
 */
export function writeTokenFile(file: string, token: Secret): void {
  const temp = `${file}.${process.pid}.tmp`;
  rmSync(temp, { force: true }); // left by a crash of this same pid number: never holds a token we still need
  const fd = openSync(temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    writeSync(fd, `${token.reveal()}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, file);
  } catch (err) {
    rmSync(temp, { force: true });
    throw err;
  }
  const dir = openSync(dirname(file), constants.O_RDONLY);
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
