import { STATUS_CODES } from "node:http";
import { request } from "undici";
import { z } from "zod";
import { type HostRemoval, hostRemoval, type IssuedAgentToken, issuedAgentToken } from "../../shared/api/agent-tokens.ts";
import { type HostLatest, type HostList, type HostSummary, hostLatest, hostList, hostSummary } from "../../shared/api/hosts.ts";
import { type HostView, hostView } from "../../shared/api/views.ts";
import type { Secret } from "../../shared/config/secret.ts";
import { issuesToText, toFieldIssues } from "../../shared/validation/issues.ts";
import { errorBody } from "../../shared/api/error-body.ts";
import { HubApiError, HubUnreachableError, InvalidResponseError } from "./errors.ts";
import { formatDuration } from "./format.ts";

/** At most this many field problems are listed for an unreadable response. */
const MAX_LISTED_ISSUES = 3;

export interface HubClientOptions {
  /** The hub's base URL; a path prefix (`https://box/vigil`) is kept. */
  url: string;
  token?: Secret | undefined;
  /** Limit for one request, connecting and reading the body included. */
  timeoutMs: number;
  /** This CLI's version, sent as the User-Agent and named when the hub's answer cannot be read. */
  version: string;
}

/** A validated response, plus the body as received for `--json` (which keeps fields this CLI does not know). */
export interface Fetched<T> {
  data: T;
  raw: unknown;
}

/**
 * A small typed client of the hub's HTTP API. Every response is validated with the schemas of
 * shared/api; every failure is a CliError: HubUnreachableError (exit 3), HubApiError or
 * InvalidResponseError (exit 1). The token goes into the Authorization header and nowhere else.
 *
 * It uses undici's `request` rather than global fetch: undici is already a dependency, and its
 * errors carry the system code (ECONNREFUSED, ENOTFOUND, UND_ERR_CONNECT_TIMEOUT) directly instead
 * of fetch's generic "fetch failed" TypeError, which is what the operator-facing messages need.
 */
export class HubClient {
  /** The hub's URL without credentials, safe to print. */
  readonly displayUrl: string;
  readonly #base: URL;
  readonly #token: Secret | undefined;
  readonly #timeoutMs: number;
  readonly #version: string;

  constructor(opts: HubClientOptions) {
    const base = new URL(opts.url);
    base.username = "";
    base.password = "";
    base.search = "";
    base.hash = "";
    if (!base.pathname.endsWith("/")) base.pathname += "/";
    this.#base = base;
    this.displayUrl = base.pathname === "/" ? base.origin : `${base.origin}${base.pathname.replace(/\/$/, "")}`;
    this.#token = opts.token;
    this.#timeoutMs = opts.timeoutMs;
    this.#version = opts.version;
  }

  /** GET /api/v1/hosts */
  listHosts(): Promise<Fetched<HostList>> {
    return this.get("api/v1/hosts", hostList);
  }

  /** GET /api/v1/hosts/:id; an unknown id is a HubApiError with code HOST_NOT_FOUND. */
  getHost(id: string): Promise<Fetched<HostSummary>> {
    return this.get(`api/v1/hosts/${encodeURIComponent(id)}`, hostSummary);
  }

  /** GET /api/v1/hosts/:id/latest: the host and the newest value of each of its series and states. */
  getHostLatest(id: string): Promise<Fetched<HostLatest>> {
    return this.get(`api/v1/hosts/${encodeURIComponent(id)}/latest`, hostLatest);
  }

  /** GET /api/v1/hosts/:id/<view>: one typed view (gpus, pools, containers, units, probes). */
  getHostView(id: string, view: string): Promise<Fetched<HostView>> {
    return this.get(`api/v1/hosts/${encodeURIComponent(id)}/${encodeURIComponent(view)}`, hostView);
  }

  /** POST /api/v1/hosts (admin): a new token bound to `id`, shown this once. */
  addHost(id: string): Promise<Fetched<IssuedAgentToken>> {
    return this.call("POST", "api/v1/hosts", issuedAgentToken, { id });
  }

  /** DELETE /api/v1/hosts/:id (admin): revoke its token and delete the host and its data. */
  removeHost(id: string): Promise<Fetched<HostRemoval>> {
    return this.call("DELETE", `api/v1/hosts/${encodeURIComponent(id)}`, hostRemoval);
  }

  /** DELETE /api/v1/hosts/:id/token (admin): revoke its token, keep its history. */
  revokeToken(id: string): Promise<Fetched<HostRemoval>> {
    return this.call("DELETE", `api/v1/hosts/${encodeURIComponent(id)}/token`, hostRemoval);
  }

  /** GETs a path relative to the hub's base URL and validates the 2xx body with `schema`. */
  get<S extends z.ZodType>(path: string, schema: S): Promise<Fetched<z.output<S>>> {
    return this.call("GET", path, schema);
  }

  /** Sends a request (with a JSON body when given) and validates the 2xx answer with `schema`. */
  async call<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<Fetched<z.output<S>>> {
    const url = new URL(path, this.#base);
    const what = `${method} ${url.pathname}`;
    const res = await this.#send(method, url, body);
    if (res.status < 200 || res.status > 299) throw this.#apiError(res.status, res.text);

    let raw: unknown;
    try {
      raw = JSON.parse(res.text);
    } catch {
      throw new InvalidResponseError(`invalid response from the hub (${what}): the body is not JSON`);
    }
    const parsed = schema.safeParse(raw, { reportInput: true });
    if (!parsed.success) {
      const issues = toFieldIssues(parsed.error.issues);
      const listed = issuesToText(issues.slice(0, MAX_LISTED_ISSUES));
      const more = issues.length > MAX_LISTED_ISSUES ? ` (and ${issues.length - MAX_LISTED_ISSUES} more)` : "";
      throw new InvalidResponseError(
        `invalid response from the hub (${what}): ${listed}${more}; is the hub the same version as this vigil (${this.#version})?`,
      );
    }
    return { data: parsed.data, raw };
  }

  async #send(method: string, url: URL, body: unknown): Promise<{ status: number; text: string }> {
    const headers: Record<string, string> = { accept: "application/json", "user-agent": `vigil-cli/${this.#version}` };
    if (this.#token) headers.authorization = `Bearer ${this.#token.reveal()}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      const res = await request(url, {
        method: method as "GET",
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      return { status: res.statusCode, text: await res.body.text() };
    } catch (err) {
      throw this.#transportError(err);
    }
  }

  #transportError(err: unknown): HubUnreachableError {
    const at = `the hub at ${this.displayUrl}`;
    const code = errorCode(err);
    if (code === "TimeoutError" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
      return new HubUnreachableError(`${at} did not answer within ${formatDuration(this.#timeoutMs)} (see --timeout)`);
    }
    if (code === "ECONNREFUSED") return new HubUnreachableError(`cannot reach ${at} (connection refused): is vigil-hub running?`);
    const reason = TRANSPORT_REASONS[code] ?? (err instanceof Error ? err.message : String(err));
    return new HubUnreachableError(`cannot reach ${at} (${reason})`);
  }

  #apiError(status: number, text: string): HubApiError {
    const hint =
      status === 401 || status === 403
        ? this.#token
          ? "the hub did not accept the token given by --token or VIGIL_TOKEN"
          : "the hub wants a token: pass --token or set VIGIL_TOKEN"
        : undefined;
    const body = errorBody.safeParse(parseJsonOrUndefined(text));
    if (body.success) {
      const { code, message, field, issues } = body.data.error;
      return new HubApiError(status, code, message, { field, issues, hint });
    }
    const statusText = STATUS_CODES[status];
    return new HubApiError(
      status,
      `HTTP_${status}`,
      `the hub answered ${status}${statusText ? ` ${statusText}` : ""} without an error body`,
      {
        hint,
      },
    );
  }
}

/** Short reasons for the transport failures an operator meets; others show the error's own message. */
const TRANSPORT_REASONS: Record<string, string> = {
  ENOTFOUND: "host name not found",
  EAI_AGAIN: "host name lookup failed",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network unreachable",
  ECONNRESET: "connection reset",
  EPIPE: "connection closed",
  UND_ERR_SOCKET: "connection closed",
  UND_ERR_CONNECT_TIMEOUT: "connection timed out",
};

/** The code of a transport error, looking through `cause`; a DOMException's name for the abort timeout. */
function errorCode(err: unknown): string {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 4; e = e.cause, depth++) {
    if (e.name === "TimeoutError") return "TimeoutError";
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string") return code;
  }
  return "";
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
