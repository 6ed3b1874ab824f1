import type { FieldIssue } from "../validation/issues.ts";

/** A configuration problem. The message names the file (or env variable), the path and what was expected. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  readonly source: string;
  readonly issues: FieldIssue[];

  constructor(source: string, issues: FieldIssue[]) {
    super(
      issues.length === 1
        ? `${source}: ${issues[0]?.path ? `${issues[0].path}: ` : ""}${issues[0]?.message}`
        : `${source}: ${issues.length} problems:\n${issues.map((i) => `  - ${i.path ? `${i.path}: ` : ""}${i.message}`).join("\n")}`,
    );
    this.source = source;
    this.issues = issues;
  }
}
