import { ApiError } from "../../shared/http/api-error.ts";

/** Reads a JSON body of at most `maxBytes` (Content-Length first, then the bytes actually read). */
export async function readCappedJson(req: Request, maxBytes: number, codePrefix: string): Promise<unknown> {
  const tooLarge = () => new ApiError(413, `${codePrefix}_TOO_LARGE`, `the body exceeds ${maxBytes} bytes`);
  const declared = Number(req.headers.get("content-length") ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch (err) {
    throw new ApiError(400, `${codePrefix}_BAD_JSON`, `the body is not valid JSON: ${(err as Error).message}`);
  }
}
