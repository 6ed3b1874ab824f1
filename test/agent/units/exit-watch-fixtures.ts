import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/exit-watch/: /proc/<pid>/stat and cgroup.events captures (see its SOURCES.md). */
const DIR = fileURLToPath(new URL("../../fixtures/exit-watch/", import.meta.url));

export function exitWatchFixture(fileName: string): string {
  return readFileSync(`${DIR}${fileName}`, "latin1");
}
