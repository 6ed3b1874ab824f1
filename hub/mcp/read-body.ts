import { ApiError } from "../../shared/http/api-error.ts";

/**
 * The body of a request as text, refused with 413 past `maxBytes` before it is all read (a declared
 * Content-Length over the limit is refused unread). hub/auth/json-request.ts stops at 16 KiB, too
 * little for an agent's catalog with long enum lists; this takes the limit as a parameter.
 */
export async function readCappedText(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function tooLarge(maxBytes: number): ApiError {
  return new ApiError(413, "REQUEST_TOO_LARGE", `the body exceeds ${maxBytes} bytes`);
}
