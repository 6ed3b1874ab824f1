import { describeValue, type FieldIssue, formatPath } from "../validation/issues.ts";
import type { HostIdentity } from "./identity.ts";
import { MAX_SAMPLES_PER_BATCH, MAX_STATES_PER_BATCH } from "./limits.ts";
import type { SampleBatch } from "./sample-batch.ts";
import type { NumericSample, StateRecord } from "./samples.ts";

/*
 * The wire rules of samples.ts, identity.ts and sample-batch.ts, written out by hand for the agent. Why
 * not the zod schemas: the agent checks every observation as it is collected and every batch it seals,
 * and zod plus its schema objects cost it ~6-9 MB of its 60 MB target and ~5 ms of CPU per seal in V8's
 * lite mode (docs/benchmarks.md). The rules must stay the same as the schemas' ("one schema, checked at
 * both ends"): test/shared/protocol-fast-check.test.ts compares the verdicts of both on the protocol
 * fixtures and on thousands of generated inputs, so a rule changed in one place and not the other fails
 * there. On success the value comes back as the schema's output (known keys only, labels defaulted).
 * Only `import type` from the schema modules: this file must not load zod.
 */

export type Checked<T> = { ok: true; value: T } | { ok: false; issue: FieldIssue };

const NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const AGENT_ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;
const MAX_LABELS = 32;

type Path = ReadonlyArray<PropertyKey>;

class Refusal {
  readonly path: Path;
  readonly message: string;
  constructor(path: Path, message: string) {
    this.path = path;
    this.message = message;
  }
}

function refuse(path: Path, what: string, input: unknown): never {
  throw new Refusal(path, input === undefined ? `is required (${what})` : `${what}, got ${describeValue(input)}`);
}

/** zod's z.object: any non-null, non-array object. */
function object(input: unknown, path: Path): Record<string, unknown> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) refuse(path, "expected object", input);
  return input as Record<string, unknown>;
}

function string(input: unknown, path: Path, min: number, max: number): string {
  if (typeof input !== "string") refuse(path, "expected string", input);
  if (input.length < min || input.length > max) refuse(path, `must be ${min} to ${max} characters`, input);
  return input;
}

function metricName(input: unknown, path: Path): string {
  if (typeof input !== "string") refuse(path, "expected string", input);
  if (input.length > 200) refuse(path, "must be at most 200 characters", input);
  if (!NAME.test(input)) refuse(path, "must match [a-zA-Z_][a-zA-Z0-9_]* (a Prometheus-style name)", input);
  return input;
}

function integer(input: unknown, path: Path, min: number, what: string): number {
  if (typeof input !== "number" || !Number.isSafeInteger(input)) refuse(path, `must be ${what}`, input);
  if (input < min) refuse(path, `must be at least ${min}`, input);
  return input;
}

function timestampMs(input: unknown, path: Path): number {
  return integer(input, path, 0, "an integer number of milliseconds since the epoch");
}

/** zod's z.record accepts plain objects only (no class instances, no arrays). */
function isPlainObject(o: object): boolean {
  const ctor = (o as { constructor?: unknown }).constructor;
  if (ctor === undefined || typeof ctor !== "function") return true;
  const proto: unknown = ctor.prototype;
  return typeof proto === "object" && proto !== null && !Array.isArray(proto) && Object.hasOwn(proto, "isPrototypeOf");
}

function labels(input: unknown, path: Path): Record<string, string> {
  if (input === undefined) return {};
  if (typeof input === "object" && input !== null && Object.hasOwn(input, "__proto__")) {
    // A `__proto__` key would vanish when copied and the sample would land in another series.
    throw new Refusal([...path, "__proto__"], "the label name __proto__ is reserved");
  }
  if (typeof input !== "object" || input === null || Array.isArray(input) || !isPlainObject(input)) refuse(path, "expected record", input);
  const out: Record<string, string> = {};
  let count = 0;
  for (const key of Reflect.ownKeys(input)) {
    if (!Object.prototype.propertyIsEnumerable.call(input, key)) continue;
    if (typeof key !== "string") refuse([...path, key], "a label name must be a string", String(key));
    metricName(key, [...path, key]);
    const value = (input as Record<string, unknown>)[key];
    if (typeof value !== "string") refuse([...path, key], "expected string", value);
    if (value.length > 1024) refuse([...path, key], "label values are at most 1024 characters", value);
    out[key] = value;
    count++;
  }
  if (count > MAX_LABELS) throw new Refusal(path, `at most ${MAX_LABELS} labels`);
  return out;
}

function sample(input: unknown, path: Path): NumericSample {
  const o = object(input, path);
  const name = metricName(o.name, [...path, "name"]);
  const l = labels(o.labels, [...path, "labels"]);
  const timestamp = timestampMs(o.timestamp, [...path, "timestamp"]);
  const value = o.value;
  if (typeof value !== "number" || !Number.isFinite(value)) refuse([...path, "value"], "must be a finite number", value);
  return { name, labels: l, timestamp, value };
}

function state(input: unknown, path: Path): StateRecord {
  const o = object(input, path);
  const name = metricName(o.name, [...path, "name"]);
  const l = labels(o.labels, [...path, "labels"]);
  const timestamp = timestampMs(o.timestamp, [...path, "timestamp"]);
  return { name, labels: l, timestamp, state: string(o.state, [...path, "state"], 1, 64) };
}

function host(input: unknown, path: Path): HostIdentity {
  const o = object(input, path);
  const agentId = o.agentId;
  if (typeof agentId !== "string") refuse([...path, "agentId"], "expected string", agentId);
  if (!AGENT_ID.test(agentId)) refuse([...path, "agentId"], "must be 1-128 characters of letters, digits, '.', '_' or '-'", agentId);
  return {
    agentId,
    hostname: string(o.hostname, [...path, "hostname"], 1, 253),
    labels: labels(o.labels, [...path, "labels"]),
    agentVersion: string(o.agentVersion, [...path, "agentVersion"], 1, 64),
    bootId: string(o.bootId, [...path, "bootId"], 1, 64),
  };
}

function array(input: unknown, path: Path, max: number): unknown[] {
  if (!Array.isArray(input)) refuse(path, "expected array", input);
  if (input.length > max) throw new Refusal(path, `at most ${max} items, got ${input.length}`);
  return input;
}

/** The batch's own fields and limits, with its samples and states as given (the seal checks those one by one). */
function batchHead(input: unknown): Omit<SampleBatch, "samples" | "states"> & { samples: unknown[]; states: unknown[] } {
  const o = object(input, []);
  return {
    host: host(o.host, ["host"]),
    sequence: integer(o.sequence, ["sequence"], 1, "a positive integer"),
    sealedAt: timestampMs(o.sealedAt, ["sealedAt"]),
    pushIntervalMs: integer(o.pushIntervalMs, ["pushIntervalMs"], 1, "a positive integer"),
    samples: array(o.samples, ["samples"], MAX_SAMPLES_PER_BATCH),
    states: o.states === undefined ? [] : array(o.states, ["states"], MAX_STATES_PER_BATCH),
  };
}

function run<T>(check: () => T, prefix: Path): Checked<T> {
  try {
    return { ok: true, value: check() };
  } catch (err) {
    if (!(err instanceof Refusal)) throw err;
    return { ok: false, issue: { path: formatPath([...prefix, ...err.path]), message: err.message } };
  }
}

/** Checks one numeric sample as the `numericSample` schema would; issue paths start with `prefix`. */
export function checkNumericSample(input: unknown, prefix: Path = []): Checked<NumericSample> {
  return run(() => sample(input, []), prefix);
}

/** Checks one state record as the `stateRecord` schema would. */
export function checkStateRecord(input: unknown, prefix: Path = []): Checked<StateRecord> {
  return run(() => state(input, []), prefix);
}

/** Checks a whole batch as the `sampleBatch` schema would: the first problem found, or the batch. */
export function checkSampleBatch(input: unknown): Checked<SampleBatch> {
  return run(() => {
    const head = batchHead(input);
    return {
      ...head,
      samples: head.samples.map((s, i) => sample(s, ["samples", i])),
      states: head.states.map((s, i) => state(s, ["states", i])),
    };
  }, []);
}

/**
 * A batch whose samples and states were checked as they were collected: only the batch's own fields
 * and limits are checked, and the observations are kept as they are. Throws an error naming the field
 * when the batch's own fields are wrong (a bug in the agent, not a bad reading).
 */
export function checkedBatch(input: {
  host: HostIdentity;
  sequence: number;
  sealedAt: number;
  pushIntervalMs: number;
  samples: NumericSample[];
  states: StateRecord[];
}): SampleBatch {
  const r = run(() => batchHead(input), []);
  if (!r.ok) throw new Error(`invalid sample_batch: ${r.issue.path}: ${r.issue.message}`);
  return { ...r.value, samples: input.samples, states: input.states };
}
