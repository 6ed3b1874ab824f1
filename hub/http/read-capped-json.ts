import { ApiError } from "../../shared/http/api-error.ts";

/** The error codes a route answers with: 413 `tooLarge`, 400 `badJson`. */
export interface CappedJsonCodes {
  tooLarge: string;
  badJson: string;
}

/**
 * Reads a JSON request body of at most `maxBytes`: refused on its Content-Length before anything is
 * read, and again as soon as the bytes actually read pass the cap (a body without a length, or a
 * lying one). Every hub route that takes a JSON body other than ingest (which also gunzips) reads it here.
 */
export async function readCappedJson(req: Request, maxBytes: number, codes: CappedJsonCodes): Promise<unknown> {
  const tooLarge = () => new ApiError(413, codes.tooLarge, `the body exceeds ${maxBytes} bytes`);
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
    throw new ApiError(400, codes.badJson, `the body is not valid JSON: ${(err as Error).message}`);
  }
}
