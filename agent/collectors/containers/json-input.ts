import { JsonFieldError } from "../json-fields.ts";

/** A runtime's answer that is not the JSON it should be. `source` names where it came from. */
export class ContainersParseError extends Error {
  override readonly name = "ContainersParseError";
  /** What produced the text: `GET /containers/json?all=1`, `nerdctl ps line 3`. */
  readonly source: string;

  constructor(source: string, reason: string) {
    super(`${source}: ${reason}`);
    this.source = source;
  }
}

/** JSON.parse that names the source and says what it got instead of JSON. */
export function parseJson(text: string, source: string): unknown {
  if (text.trim() === "") throw new ContainersParseError(source, "empty output, expected JSON");
  try {
    return JSON.parse(text);
  } catch (err) {
    const start = text.trim().slice(0, 40);
    throw new ContainersParseError(source, `not JSON (${(err as Error).message}); it starts with ${JSON.stringify(start)}`);
  }
}

/** Runs `read` over `value`; a bad field becomes an error naming the source and the field (`[2].State.ExitCode: expected number, got ...`). */
export function readShape<T>(value: unknown, source: string, read: (value: unknown) => T): T {
  try {
    return read(value);
  } catch (err) {
    if (err instanceof JsonFieldError) throw new ContainersParseError(source, `unexpected shape: ${err.message}`);
    throw err;
  }
}
