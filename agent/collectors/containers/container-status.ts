/** One entry of a runtime's container list: what is needed to inspect it, and names to fall back on. */
export interface ListedContainer {
  /** The full id as the runtime lists it. */
  id: string;
  /** Without Docker's leading slash; undefined when the runtime gives none. */
  name: string | undefined;
  image: string | undefined;
}

/** What one inspect of a container says, read from the Docker-compatible inspect object. */
export interface InspectedContainer {
  id: string;
  name: string | undefined;
  /** The image as the user named it (Config.Image), not its sha256 id; undefined when the runtime gives only the id. */
  image: string | undefined;
  /** State.Status lowercased (running, exited, ...); "unknown" when the runtime gives none. */
  state: string;
  /** healthy, unhealthy, starting, or none (no healthcheck, or not running: a stopped container's last health is stale). */
  health: string;
  /** Consecutive failed checks, only when `health` is not "none". */
  healthFailingStreak: number | undefined;
  restartCount: number | undefined;
  /** Seconds since the epoch; undefined for a container never started. */
  startedAtSeconds: number | undefined;
  /** Only for exited, dead and restarting containers: a running container has no exit code. */
  exitCode: number | undefined;
  /** Undefined where the runtime does not report it (nerdctl). */
  oomKilled: boolean | undefined;
}

/** A container as reported: inspected, with a name and image always set. */
export interface ContainerStatus extends InspectedContainer {
  name: string;
  image: string;
  /** The first 12 characters of the id, as `docker ps` shows it. */
  shortId: string;
}

/**
 * Joins inspect results with the list they came from. The inspect's name and image win; the list's
 * fill in what the inspect lacks (nerdctl gives Kubernetes containers no name, only `ps` shows
 * `k8s://namespace/pod/container`), and the short id is the name of last resort. A listed container
 * with no inspect result was removed in between and is left out.
 */
export function joinListAndInspect(listed: readonly ListedContainer[], inspected: readonly InspectedContainer[]): ContainerStatus[] {
  const byId = new Map(listed.map((c) => [c.id, c]));
  return inspected.map((c) => {
    const fromList = byId.get(c.id);
    const shortId = c.id.slice(0, 12);
    return { ...c, shortId, name: c.name ?? fromList?.name ?? shortId, image: c.image ?? fromList?.image ?? "" };
  });
}

/**
 * One container per name, since the name is the series' identity. Runtimes keep names unique, but
 * Kubernetes (nerdctl --namespace k8s.io) leaves exited attempts of a container under the same name:
 * the most recently started one is the current one and is kept.
 */
export function onePerName(containers: readonly ContainerStatus[]): ContainerStatus[] {
  const kept = new Map<string, ContainerStatus>();
  for (const c of containers) {
    const other = kept.get(c.name);
    if (other === undefined || (c.startedAtSeconds ?? -Infinity) > (other.startedAtSeconds ?? -Infinity)) kept.set(c.name, c);
  }
  return [...kept.values()];
}
