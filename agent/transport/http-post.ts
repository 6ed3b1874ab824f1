import type { IncomingHttpHeaders } from "node:http";
import { nodeHttp, nodeHttps } from "../http/node-builtins.ts";

export interface PostResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

const MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * One POST with node's built-in http client. The agent uses this instead of undici (which the hub and
 * CLI use) because undici parses HTTP in WebAssembly: that costs the agent ~5 MB more, and V8's lite
 * mode, which the agent runs in to stay under its memory target, disables WebAssembly altogether.
 * node:http parses with the native llhttp. The whole exchange is bounded by `timeoutMs`. Both modules
 * come from agent/http/node-builtins.ts: imported as ES modules they would load undici after all, and
 * node:https only when the hub's URL is https.
 */
export function httpPost(url: URL, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<PostResponse> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === "https:" ? nodeHttps().request : nodeHttp().request;
    const req = send(
      url,
      { method: "POST", headers: { ...headers, "content-length": String(body.length) }, signal: AbortSignal.timeout(timeoutMs) },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.on("error", (err: Error & { code?: string }) => {
      if (err.name === "AbortError") reject(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: "ETIMEDOUT" }));
      else reject(err);
    });
    req.end(body);
  });
}
