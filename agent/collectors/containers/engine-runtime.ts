import { type ContainerStatus, type InspectedContainer, joinListAndInspect } from "./container-status.ts";
import { type EngineResponse, engineGet } from "./exec.ts";
import { parseEngineList } from "./parse-engine-list.ts";
import { parseInspect } from "./parse-inspect.ts";

/**
 * Unversioned paths: the daemon answers in its own API version. A pinned `/v1.41/` would be refused
 * by Docker 29, whose oldest accepted version is 1.44, and the fields read here are the same in all.
 */
export const LIST_PATH = "/containers/json?all=1";
export const inspectPath = (id: string) => `/containers/${encodeURIComponent(id)}/json`;

/** Inspects run this many at a time: quick for a host with dozens of containers, gentle on the daemon. */
const INSPECT_CONCURRENCY = 4;

/** Every container of one Docker Engine API socket (Docker or Podman): the list, then an inspect of each. */
export async function readEngineContainers(socketPath: string, signal: AbortSignal): Promise<ContainerStatus[]> {
  const list = await engineGet(socketPath, LIST_PATH, signal);
  const listed = parseEngineList(expectOk(list, `GET ${LIST_PATH}`), `GET ${LIST_PATH}`);
  const ids = [...new Set(listed.map((c) => c.id))];
  const inspected = await mapLimited(ids, INSPECT_CONCURRENCY, async (id): Promise<InspectedContainer | undefined> => {
    const path = inspectPath(id);
    const res = await engineGet(socketPath, path, signal);
    if (res.status === 404) return undefined; // removed since the list was taken
    return parseInspect(expectOk(res, `GET ${path}`), `GET ${path}`);
  });
  return joinListAndInspect(
    listed,
    inspected.filter((c) => c !== undefined),
  );
}

/** The body of a 2xx answer; otherwise an error with the daemon's own message (`{"message": "..."}`). */
function expectOk(res: EngineResponse, what: string): string {
  if (res.status >= 200 && res.status < 300) return res.body;
  let message = res.body.trim().slice(0, 300);
  try {
    const parsed: unknown = JSON.parse(res.body);
    if (typeof parsed === "object" && parsed !== null && typeof (parsed as { message?: unknown }).message === "string") {
      message = (parsed as { message: string }).message;
    }
  } catch {
    // Not JSON: the raw text above says it.
  }
  throw new Error(`${what}: HTTP ${res.status}${message === "" ? "" : `: ${message}`}`);
}

/** `fn` over `items`, at most `limit` at once, results in the items' order; the first rejection rejects. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
