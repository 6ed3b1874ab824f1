import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REQUIRED_NODE_MAJOR = 24;

/** Stops early, with a clear message, on a Node too old for our dependencies (better-sqlite3 13 crashes on 20). */
export function assertNodeVersion(program: string): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < REQUIRED_NODE_MAJOR) {
    process.stderr.write(
      `${program}: Node ${REQUIRED_NODE_MAJOR} or later is required, this is ${process.version} (${process.execPath}).\n` +
        "Run it through npm (npm start, npx vigil ...), which puts the pinned Node 24 first on PATH,\n" +
        "or use node_modules/.bin/node directly. See docs/development.md.\n",
    );
    process.exit(2);
  }
}

let cachedVersion: string | undefined;

/** Vigil's version, from the package.json that ships beside the code (source tree, dist/ or a .deb). */
export function vigilVersion(): string {
  if (cachedVersion) return cachedVersion;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "vigil" && pkg.version) {
        cachedVersion = pkg.version;
        return pkg.version;
      }
    }
    dir = dirname(dir);
  }
  cachedVersion = "0.0.0-unknown";
  return cachedVersion;
}

/**
 * When started by a supervisor over an IPC channel (the `npm start` launcher), stop when that channel
 * closes: the supervisor is gone, however it died (even SIGKILL), and nobody else will stop us.
 */
export function stopWhenParentExits(stop: (reason: string) => void): void {
  if (typeof process.send !== "function") return;
  process.on("disconnect", () => stop("parent process exited"));
}
