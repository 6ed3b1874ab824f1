import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/systemd/, where the systemctl outputs live (see its SOURCES.md). */
export const SYSTEMD_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/systemd/", import.meta.url));

/** The path of one fixture in test/fixtures/systemd/. */
export function systemdFixturePath(fileName: string): string {
  return `${SYSTEMD_FIXTURES_DIR}${fileName}`;
}

/** The text of one fixture in test/fixtures/systemd/. */
export function systemdFixture(fileName: string): string {
  return readFileSync(systemdFixturePath(fileName), "utf8");
}
