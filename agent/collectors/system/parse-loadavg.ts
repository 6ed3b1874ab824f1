import { assertSomethingParsed, nonBlankLines, parseCount, parseDecimal } from "./proc-text.ts";

const FILE = "/proc/loadavg";

/** /proc/loadavg: `0.21 0.37 0.39 1/719 19737`. */
export interface LoadAverage {
  load1: number;
  load5: number;
  load15: number;
  /** Runnable scheduling entities now (the number before the slash). */
  runnable: number;
  /** Scheduling entities that exist (the number after the slash). */
  entities: number;
  lastPid: number;
}

/** Parses /proc/loadavg: undefined for empty input; throws when its one line has another shape. */
export function parseLoadavg(text: string): LoadAverage | undefined {
  const lines = nonBlankLines(text);
  const first = lines[0];
  const parsed = first === undefined ? undefined : parseLine(first);
  assertSomethingParsed(FILE, lines.length, parsed ? 1 : 0);
  return parsed;
}

function parseLine(line: string): LoadAverage | undefined {
  const fields = line.split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [one, five, fifteen, tasks, pid] = fields;
  const [runnableText, entitiesText] = (tasks ?? "").split("/");
  const load1 = parseDecimal(one);
  const load5 = parseDecimal(five);
  const load15 = parseDecimal(fifteen);
  const runnable = parseCount(runnableText);
  const entities = parseCount(entitiesText);
  const lastPid = parseCount(pid);
  if (
    load1 === undefined ||
    load5 === undefined ||
    load15 === undefined ||
    runnable === undefined ||
    entities === undefined ||
    lastPid === undefined
  ) {
    return undefined;
  }
  return { load1, load5, load15, runnable, entities, lastPid };
}
