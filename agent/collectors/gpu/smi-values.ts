/** nvidia-smi printed something the collector cannot read; the message names the command, the GPU and the field. */
export class NvidiaSmiOutputError extends Error {
  override readonly name = "NvidiaSmiOutputError";
}

/**
 * nvidia-smi's ways of saying "no value": `N/A`, and bracketed notes such as `[N/A]`, `[Not Supported]`,
 * `[Requested functionality has been deprecated]`, `[Unknown Error]`, `[Insufficient Permissions]`.
 * Every bracketed value is such a note, never a reading.
 */
export function isMissing(raw: string | undefined): raw is undefined {
  if (raw === undefined) return true;
  const value = raw.trim();
  return value === "" || value === "N/A" || value === "-" || (value.startsWith("[") && value.endsWith("]"));
}

/** The text of a field, or undefined when nvidia-smi has none. */
export function readText(raw: string | undefined): string | undefined {
  return isMissing(raw) ? undefined : raw.trim();
}

/**
 * A number, optionally followed by its unit as `--format=csv` prints it without `nounits` (`81559 MiB`,
 * `631.95 W`, `100 %`) or as `-q -x` prints it (`42 C`): both are read, so the parser does not depend
 * on the format flag. `what` names the field for the error.
 */
export function readNumber(raw: string | undefined, what: string): number | undefined {
  if (isMissing(raw)) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)(?: ?(?:MiB|W|MHz|%|C|us|ms|KB\/s))?$/.exec(raw.trim());
  if (m === null) throw new NvidiaSmiOutputError(`${what}: expected a number, got ${JSON.stringify(raw.trim())}`);
  return Number(m[1]);
}

/** `P0`..`P15` as 0..15; `Unknown` and the missing forms give nothing. */
export function readPerformanceState(raw: string | undefined, what: string): number | undefined {
  if (isMissing(raw) || raw.trim() === "Unknown") return undefined;
  const m = /^P(\d{1,2})$/.exec(raw.trim());
  const state = m === null ? Number.NaN : Number(m[1]);
  if (!(state >= 0 && state <= 15)) throw new NvidiaSmiOutputError(`${what}: expected P0 to P15, got ${JSON.stringify(raw.trim())}`);
  return state;
}

/** A hex bitmask such as `0x00000000000001FF` (64 bits, hence BigInt). */
export function readBitmask(raw: string | undefined, what: string): bigint | undefined {
  if (isMissing(raw)) return undefined;
  const value = raw.trim();
  if (!/^0x[0-9a-fA-F]{1,16}$/.test(value)) throw new NvidiaSmiOutputError(`${what}: expected a hex bitmask, got ${JSON.stringify(value)}`);
  return BigInt(value);
}

export const MIB = 1024 * 1024;
export const MHZ = 1_000_000;

/** MiB to bytes, keeping "missing" missing. */
export function mibToBytes(mib: number | undefined): number | undefined {
  return mib === undefined ? undefined : mib * MIB;
}
