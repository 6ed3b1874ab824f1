import { assertSomethingParsed, nonBlankLines, parseCount } from "./proc-text.ts";

const FILE = "/proc/net/dev";
/** `eth0: 874354587 1036395 ...`; Linux forbids ':' and whitespace in interface names. */
const LINE = /^([^:\s]+):\s*(.*)$/;
const COLUMNS = 16;

/** Cumulative counters of one interface from /proc/net/dev (since the interface was created). */
export interface InterfaceCounters {
  device: string;
  receiveBytes: number;
  receivePackets: number;
  receiveErrors: number;
  receiveDropped: number;
  transmitBytes: number;
  transmitPackets: number;
  transmitErrors: number;
  transmitDropped: number;
}

/**
 * Parses /proc/net/dev. The two header lines (they hold '|') are not data; an interface line
 * without exactly 16 numeric columns is skipped.
 */
export function parseNetDev(text: string): InterfaceCounters[] {
  const lines = nonBlankLines(text).filter((line) => !line.includes("|"));
  const interfaces: InterfaceCounters[] = [];
  for (const line of lines) {
    const m = LINE.exec(line);
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const columns = m[2].split(/\s+/).map(parseCount);
    if (columns.length !== COLUMNS || columns.some((c) => c === undefined)) continue;
    const c = columns as number[];
    interfaces.push({
      device: m[1],
      receiveBytes: c[0] as number,
      receivePackets: c[1] as number,
      receiveErrors: c[2] as number,
      receiveDropped: c[3] as number,
      transmitBytes: c[8] as number,
      transmitPackets: c[9] as number,
      transmitErrors: c[10] as number,
      transmitDropped: c[11] as number,
    });
  }
  assertSomethingParsed(FILE, lines.length, interfaces.length);
  return interfaces;
}
