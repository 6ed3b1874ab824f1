/**
 * A secret read from the config, the environment or a file. Its text is reachable only through
 * `reveal()`; printing, logging or JSON-serialising it yields "[redacted]".
 */
export class Secret {
  readonly #value: string;
  /** Where the value came from, safe to show: `env:VIGIL_TOKEN`, `file:/etc/vigil/token`, `inline`. */
  readonly source: string;

  constructor(value: string, source: string) {
    this.#value = value;
    this.source = source;
  }

  reveal(): string {
    return this.#value;
  }

  /** Compares in constant time, for tokens presented by clients. */
  equals(candidate: string): boolean {
    const a = Buffer.from(this.#value);
    const b = Buffer.from(candidate);
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
    return diff === 0;
  }

  toString(): string {
    return "[redacted]";
  }

  toJSON(): string {
    return "[redacted]";
  }

  // Node's util.inspect.custom, by its registered name: importing node:util for it costs the agent
  // ~0.5 MB at every start (docs/benchmarks.md).
  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `Secret(${this.source})`;
  }
}

/** A secret as written in config, resolved by the loader (the only code that reads env and files). */
export class SecretRef {
  readonly kind: "inline" | "env" | "file";
  readonly ref: string;

  constructor(kind: "inline" | "env" | "file", ref: string) {
    this.kind = kind;
    this.ref = ref;
  }
}
