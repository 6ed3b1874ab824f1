/**
 * Summarizes a V8 .cpuprofile (node --cpu-prof): self time per function, and time per category
 * (SQLite, validation, HTTP, gzip, GC, idle), so a benchmark can say where the time went.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const SQLITE_NATIVE = new Set(["run", "get", "all", "iterate", "exec", "pragma", "prepare"]);

/** Categories by the frame's function and file; the first that matches a frame on the stack wins. */
const CATEGORIES: Array<[string, (fn: string, url: string) => boolean]> = [
  ["idle", (fn) => fn === "(idle)"],
  ["garbage collection", (fn) => fn === "(garbage collector)"],
  // better-sqlite3's statement methods are native: they show as frames with no file.
  ["SQLite (better-sqlite3)", (fn, url) => url.includes("better-sqlite3") || (url === "" && SQLITE_NATIVE.has(fn))],
  ["schema validation (zod)", (_fn, url) => url.includes("/zod/")],
  ["JSON parse/stringify", (fn) => fn === "parse" || fn === "stringify"],
  ["gzip", (_fn, url) => url.includes("zlib")],
  ["hono + node-server", (_fn, url) => url.includes("/hono/") || url.includes("@hono")],
  ["node http/net", (_fn, url) => /node:(_http|http|net|stream|internal\/(http|streams|net))/.test(url)],
  ["hub store", (_fn, url) => url.includes("/hub/store/")],
  ["hub ingest", (_fn, url) => url.includes("/hub/ingest/")],
  ["hub metrics/registry", (_fn, url) => url.includes("/hub/metrics/") || url.includes("/hub/registry/") || url.includes("prom-client")],
];

export function summarizeCpuProfile(text: string, top = 15): string {
  const p = JSON.parse(text) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const dt = p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
    total += dt;
  });
  const byFunction = new Map<string, number>();
  const byCategory = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    const f = n.callFrame;
    const key = `${f.functionName || "(anonymous)"} ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    byFunction.set(key, (byFunction.get(key) ?? 0) + us);
    byCategory.set(categoryOf(id, byId, parent), (byCategory.get(categoryOf(id, byId, parent)) ?? 0) + us);
  }
  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const lines = [`profile: ${(total / 1e6).toFixed(1)} s`, "by category (the innermost matching frame on the stack):"];
  for (const [k, us] of [...byCategory].sort((a, b) => b[1] - a[1])) lines.push(`  ${pct(us)}  ${k}`);
  lines.push(`top ${top} functions by self time:`);
  for (const [k, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(us)}  ${k}`);
  return lines.join("\n");
}

function categoryOf(id: number, byId: Map<number, ProfileNode>, parent: Map<number, number>): string {
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur)?.callFrame;
    if (!f) break;
    for (const [name, match] of CATEGORIES) if (match(f.functionName, f.url)) return name;
  }
  return "other";
}

function shortUrl(url: string): string {
  const i = url.lastIndexOf("node_modules/");
  if (i >= 0) return url.slice(i + "node_modules/".length);
  const d = url.lastIndexOf("/dist/");
  return d >= 0 ? url.slice(d + "/dist/".length) : url;
}
