/**
 * Reads a cgroup v2 `cgroup.events` file: `populated 1` while the cgroup or one below it holds a
 * process, `populated 0` once the last one has exited; a `frozen` line beside it. Returns undefined
 * when the text has no `populated` line with 0 or 1 (not such a file). Two key-value lines need no library.
 */
export function parseCgroupPopulated(text: string): boolean | undefined {
  for (const line of text.split("\n")) {
    const [key, value, extra] = line.trim().split(/\s+/);
    if (key !== "populated" || extra !== undefined) continue;
    if (value === "1") return true;
    if (value === "0") return false;
  }
  return undefined;
}

/**
 * Where the `cgroup.events` of a unit's ControlGroup (`/system.slice/ollama.service`) may be, best
 * first: the unified hierarchy mounted at /sys/fs/cgroup (cgroup v2), or at /sys/fs/cgroup/unified
 * (systemd's hybrid layout). None for a path that is not absolute or that climbs with `..`.
 */
export function cgroupEventsPaths(controlGroup: string, roots: readonly string[]): string[] {
  if (!controlGroup.startsWith("/") || controlGroup.split("/").some((part) => part === "..")) return [];
  const relative = controlGroup === "/" ? "" : controlGroup;
  return roots.map((root) => `${root}${relative}/cgroup.events`);
}
