import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** test/fixtures/containers/, where the Docker Engine API and nerdctl samples live (see its SOURCES.md). */
export const CONTAINER_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/containers/", import.meta.url));

/** The text of one fixture in test/fixtures/containers/. */
export function containerFixture(fileName: string): string {
  return readFileSync(`${CONTAINER_FIXTURES_DIR}${fileName}`, "utf8");
}
