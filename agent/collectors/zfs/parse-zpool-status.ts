import { parseScan, type ScanStatus } from "./parse-scan.ts";
import { excerpt, lines, ZfsParseError } from "./parse-values.ts";
import { parseVdevTree, type VdevRow } from "./parse-vdev-tree.ts";

const SOURCE = "zpool status";

/** One pool of `zpool status -p [-v]`. */
export interface PoolStatus {
  name: string;
  /** The `state:` line: ONLINE, DEGRADED, FAULTED, UNAVAIL, SUSPENDED... */
  state?: string;
  /** Usually one; a scrub and a sequential resilver can each have a `scan:` line. Empty when there is none. */
  scans: ScanStatus[];
  /** The `config:` table, in output order; the first row is the pool itself. */
  vdevs: VdevRow[];
  /**
   * Entries in the pool's error log: 0 for `No known data errors`, N for `N data errors, use '-v' for a list`,
   * the number of listed files for -v's `Permanent errors have been detected...`. Absent without an
   * `errors:` line, or when the only one says the list is unavailable.
   */
  dataErrors?: number;
  /** The files (or `<metadata>:<0x0>` objects) listed by -v; empty without -v. */
  errorFiles: string[];
}

/** `  pool: tank`, ` state: ONLINE`, `   see: ...`, `config:`: a key at most four spaces in; rows and continuations are deeper. */
const KEY_LINE = /^ {0,4}([a-z]+):(?:\s+(.*))?$/;

interface Entry {
  key: string;
  text: string;
  /** The lines after it up to the next key line (continuations, the config table, listed files). */
  more: string[];
}

/**
 * Parses `zpool status -p` and `zpool status -p -v` (OpenZFS on Linux and FreeBSD, illumos, the older
 * Solaris-style ` scrub:` line). zpool's text is the only interface every supported version has (the JSON
 * of `zpool status -j` arrived in OpenZFS 2.3), and no library parses it, hence this parser.
 * Empty output and `no pools available` give no pools; anything before the first `pool:` line, or a pool
 * table that cannot be read, is an error.
 */
export function parseZpoolStatus(text: string): PoolStatus[] {
  const trimmed = text.trim();
  if (trimmed === "" || trimmed === "no pools available") return [];
  const blocks: Entry[][] = [];
  for (const line of lines(text)) {
    const m = KEY_LINE.exec(line);
    if (m) {
      const entry: Entry = { key: m[1] ?? "", text: (m[2] ?? "").trim(), more: [] };
      if (entry.key === "pool") blocks.push([entry]);
      else if (blocks.length === 0) throw new ZfsParseError(SOURCE, `expected a "pool:" line first, got ${excerpt(line)}`);
      else blocks.at(-1)?.push(entry);
      continue;
    }
    const current = blocks.at(-1)?.at(-1);
    if (current === undefined) {
      if (line.trim() !== "") throw new ZfsParseError(SOURCE, `expected a "pool:" line first, got ${excerpt(line)}`);
      continue;
    }
    current.more.push(line);
  }
  return blocks.map(toPool);
}

function toPool(entries: Entry[]): PoolStatus {
  const name = entries[0]?.text ?? "";
  if (name === "") throw new ZfsParseError(SOURCE, 'a "pool:" line has no pool name');
  const pool: PoolStatus = { name, scans: [], vdevs: [], errorFiles: [] };
  let listedFiles: string[] | undefined;
  let noErrors = false;
  for (const entry of entries) {
    switch (entry.key) {
      case "state":
        if (entry.text !== "") pool.state = entry.text;
        break;
      case "scan":
      case "scrub":
        pool.scans.push(parseScan(entry.text, entry.more));
        break;
      case "config":
        try {
          pool.vdevs = parseVdevTree(entry.more);
        } catch (err) {
          if (err instanceof ZfsParseError) throw new ZfsParseError(SOURCE, `pool ${name}: ${err.message.slice(SOURCE.length + 2)}`);
          throw err;
        }
        break;
      case "errors": {
        const count = /^(\d+) data errors?, use '-v' for a list$/.exec(entry.text);
        if (count) pool.dataErrors = Number(count[1]);
        else if (entry.text === "No known data errors") noErrors = true;
        else if (entry.text.startsWith("Permanent errors have been detected")) {
          listedFiles = entry.more.map((l) => l.trim()).filter((l) => l !== "");
        }
        break;
      }
    }
  }
  if (listedFiles !== undefined) {
    pool.errorFiles = listedFiles;
    pool.dataErrors ??= listedFiles.length;
  }
  if (noErrors) pool.dataErrors ??= 0;
  return pool;
}
