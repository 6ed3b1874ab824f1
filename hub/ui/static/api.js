// The dashboard's only way to the hub: fetch() of the JSON API with the signed-in token as a
// bearer header. The token is kept in sessionStorage (this tab only, gone when it closes), never
// in a cookie or a URL, so no other site can make the browser send it.

const TOKEN_KEY = "vigil.token";

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** @param {string} token */
export function setToken(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function clearToken() {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** An error answer of the API: its status, stable code and, for bad input, the field. */
export class ApiError extends Error {
  /** @param {number} status @param {string} code @param {string} message @param {string | undefined} field */
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

/**
 * Calls the API; resolves with the parsed JSON, rejects with an ApiError.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, token?: string }} [opts]
 */
export async function api(path, opts = {}) {
  /** @type {Record<string, string>} */
  const headers = { accept: "application/json" };
  const token = opts.token ?? getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  let res;
  try {
    res = await fetch(path, {
      method: opts.method ?? "GET",
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      cache: "no-store",
      signal: AbortSignal.timeout(20_000),
    });
  } catch (err) {
    throw new ApiError(0, "HUB_UNREACHABLE", `the hub did not answer (${err instanceof Error ? err.message : String(err)})`, undefined);
  }
  const text = await res.text();
  let json;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const e = json?.error;
    throw new ApiError(res.status, e?.code ?? `HTTP_${res.status}`, e?.message ?? `${res.status} ${res.statusText}`, e?.field);
  }
  return json;
}

/**
 * For an API this hub may not have (failover on an older hub): undefined when the route does not
 * exist, rather than an error.
 * @param {string} path
 */
export async function apiIfPresent(path) {
  try {
    return await api(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.code === "NOT_FOUND") return undefined;
    throw err;
  }
}
