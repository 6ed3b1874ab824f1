import { type FieldIssue, issuesToText } from "../../shared/validation/issues.ts";
import { EXIT, type ExitCode } from "./exit-codes.ts";

/** An error the CLI reports to the operator as text and an exit code, without a stack trace. */
export abstract class CliError extends Error {
  abstract readonly exitCode: ExitCode;

  /** The text printed on stderr, one or more lines, without a trailing newline. */
  render(): string {
    return `vigil: ${this.message}`;
  }
}

/** A wrong command line or environment: a one-line reason plus where to read the usage. Exit 2. */
export class UsageError extends CliError {
  override readonly name = "UsageError";
  readonly exitCode = EXIT.usage;
  /** The help command that explains the mistake: `vigil --help` or `vigil help host`. */
  readonly helpCommand: string;

  constructor(message: string, helpCommand = "vigil --help") {
    super(message);
    this.helpCommand = helpCommand;
  }

  override render(): string {
    return `vigil: ${this.message}\nRun '${this.helpCommand}' for usage.`;
  }
}

/** The hub answered with an error status; `code` is the hub's stable code (or HTTP_<status>). Exit 1. */
export class HubApiError extends CliError {
  override readonly name = "HubApiError";
  readonly exitCode = EXIT.hubError;
  readonly status: number;
  readonly code: string;
  readonly field: string | undefined;
  readonly issues: FieldIssue[];
  /** An extra line that suggests a fix, e.g. for 401. */
  readonly hint: string | undefined;

  constructor(status: number, code: string, message: string, details: { field?: string; issues?: FieldIssue[]; hint?: string } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = details.field;
    this.issues = details.issues ?? [];
    this.hint = details.hint;
  }

  override render(): string {
    const lines = [`error ${this.code}: ${this.message}${this.field ? ` (field: ${this.field})` : ""}`];
    for (const issue of this.issues) lines.push(`  - ${issuesToText([issue])}`);
    if (this.hint) lines.push(`hint: ${this.hint}`);
    return lines.join("\n");
  }
}

/** The hub answered 2xx with a body this CLI cannot read (not JSON, or not the expected shape). Exit 1. */
export class InvalidResponseError extends CliError {
  override readonly name = "InvalidResponseError";
  readonly exitCode = EXIT.hubError;
}

/** The hub could not be reached, or did not answer within the timeout. Exit 3. */
export class HubUnreachableError extends CliError {
  override readonly name = "HubUnreachableError";
  readonly exitCode = EXIT.unreachable;
}
