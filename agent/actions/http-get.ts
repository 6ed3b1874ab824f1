import { nodeHttp, nodeHttps } from "../http/node-builtins.ts";
import type { PostResponse } from "../transport/http-post.ts";

/**
 * One GET with node's built-in http client, for the long poll of actions: bounded by `timeoutMs`,
 * cut short by `signal` (the agent stopping), the body capped at `maxBytes`. node:http for the same
 * reason as transport/http-post.ts: undici parses HTTP in WebAssembly, which the agent's V8 lite mode
 * disables.
 */
export function httpGet(
  url: URL,
  headers: Record<string, string>,
  o: { timeoutMs: number; signal: AbortSignal; maxBytes: number },
): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? nodeHttps().request : nodeHttp().request;
    const signal = AbortSignal.any([o.signal, AbortSignal.timeout(o.timeoutMs)]);
    const req = send(url, { method: "GET", headers, signal }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > o.maxBytes) {
          req.destroy(Object.assign(new Error(`the answer exceeds ${o.maxBytes} bytes`), { code: "ETOOBIG" }));
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("error", (err: Error & { code?: string }) => {
      if (err.name === "AbortError" && !o.signal.aborted) {
        reject(Object.assign(new Error(`no answer within ${o.timeoutMs} ms`), { code: "ETIMEDOUT" }));
      } else reject(err);
    });
    req.end();
  });
}
