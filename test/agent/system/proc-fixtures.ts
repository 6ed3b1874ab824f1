import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/proc/, where the /proc samples live (see its SOURCES.md). */
export const PROC_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/proc/", import.meta.url));

/** The text of one fixture in test/fixtures/proc/. */
export function procFixture(fileName: string): string {
  return readFileSync(`${PROC_FIXTURES_DIR}${fileName}`, "utf8");
}
