import { gzip } from "node:zlib";
import type { AgentRequest, Reply } from "../http/router.ts";

/**
 * Not util.promisify: an ESM import of node:util materialises its lazy exports, which loads ~30
 * internal modules the agent never uses (agent/http/node-builtins.ts has the same story for node:http).
 */
function gzipAsync(text: string): Promise<Buffer> {
  return new Promise((resolve, reject) => gzip(text, (err, out) => (err ? reject(err) : resolve(out))));
}

/** Below this a gzip header and the CPU cost more than they save. */
const MIN_GZIP_BYTES = 1024;

/** Answers 200 with `text`, gzip-compressed when the client accepts it (a scraping hub, Prometheus). */
export async function respondText(req: AgentRequest, text: string, contentType: string): Promise<Reply> {
  const headers: Record<string, string> = { "content-type": contentType, vary: "accept-encoding" };
  if (text.length >= MIN_GZIP_BYTES && acceptsGzip(req.header("accept-encoding"))) {
    return { status: 200, headers: { ...headers, "content-encoding": "gzip" }, body: await gzipAsync(text) };
  }
  return { status: 200, headers, body: text };
}

/** True when Accept-Encoding names gzip (or *) without q=0. */
export function acceptsGzip(header: string | undefined): boolean {
  if (header === undefined) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding !== "gzip" && coding !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}
