import { promisify } from "node:util";
import { gunzip } from "node:zlib";
import { request } from "undici";
import { errorBody } from "../../shared/api/error-body.ts";
import { parseEnvelope } from "../../shared/protocol/envelope.ts";
import type { SamplePage } from "../../shared/protocol/pull.ts";
import { issuesToText } from "../../shared/validation/issues.ts";

const gunzipAsync = promisify(gunzip);

/** A scrape that failed: why, in one line that names the agent's URL path and never its token. */
export class PullError extends Error {
  override readonly name = "PullError";
  /** A stable class for counting and for logging only when it changes: timeout, unreachable, http_<status>, invalid. */
  readonly kind: string;
  constructor(kind: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
  }
}

export interface FetchPageOptions {
  /** The agent's base URL (pull.agents[].url); a path prefix is kept. */
  url: string;
  token: string;
  after: number;
  limit: number;
  /** Aborts the request (the scrape's timeout). */
  signal: AbortSignal;
  /** Largest body accepted, compressed and after gunzip. */
  maxBytes: number;
  userAgent: string;
}

/** GET <agent>/api/v1/samples?after=&limit= and validate the `sample_page` envelope. */
export async function fetchSamplePage(o: FetchPageOptions): Promise<SamplePage> {
  const base = new URL(o.url);
  if (!base.pathname.endsWith("/")) base.pathname += "/";
  const url = new URL(`api/v1/samples?after=${o.after}&limit=${o.limit}`, base);
  const what = `GET ${url.pathname}`;
  let res: Awaited<ReturnType<typeof request>>;
  try {
    res = await request(url, {
      method: "GET",
      headers: {
        authorization: `Bearer ${o.token}`,
        accept: "application/json",
        "accept-encoding": "gzip",
        "user-agent": o.userAgent,
      },
      signal: o.signal,
    });
  } catch (err) {
    throw transportError(err, what, o.signal);
  }
  let raw: Buffer;
  try {
    raw = await readCapped(res.body, o.maxBytes, what);
  } catch (err) {
    if (err instanceof PullError) throw err;
    throw transportError(err, what, o.signal);
  }
  if (res.statusCode < 200 || res.statusCode > 299) throw httpError(res.statusCode, raw, what);
  let bytes = raw;
  if (/gzip/i.test(String(res.headers["content-encoding"] ?? ""))) {
    try {
      bytes = await gunzipAsync(raw, { maxOutputLength: o.maxBytes });
    } catch (err) {
      throw new PullError("invalid", `${what}: the gzip body is invalid or over ${o.maxBytes} bytes: ${(err as Error).message}`);
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new PullError("invalid", `${what}: the body is not JSON`);
  }
  const parsed = parseEnvelope("sample_page", json);
  if (!parsed.ok) throw new PullError("invalid", `${what}: not a valid sample_page: ${issuesToText(parsed.issues.slice(0, 3))}`);
  return parsed.value.payload;
}

async function readCapped(body: AsyncIterable<Buffer | Uint8Array> & { destroy(): unknown }, max: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body) {
    total += chunk.byteLength;
    if (total > max) {
      body.destroy();
      throw new PullError("invalid", `${what}: the body exceeds ${max} bytes`);
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function httpError(status: number, raw: Buffer, what: string): PullError {
  let detail = "";
  try {
    const body = errorBody.safeParse(JSON.parse(raw.toString("utf8")));
    if (body.success) detail = `: ${body.data.error.code}: ${body.data.error.message}`;
  } catch {
    // Not JSON: the status says enough.
  }
  const hint = status === 401 || status === 403 ? " (check pull.agents[].token against the agent's token)" : "";
  return new PullError(`http_${status}`, `${what} answered ${status}${detail}${hint}`);
}

function transportError(err: unknown, what: string, signal: AbortSignal): PullError {
  if (signal.aborted)
    return new PullError("timeout", `${what}: no complete answer within the scrape timeout (pull.timeout)`, { cause: err });
  let code = "";
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === "string") {
      code = c;
      break;
    }
  }
  return new PullError("unreachable", `${what}: cannot reach the agent (${code || (err as Error).message})`, { cause: err });
}
