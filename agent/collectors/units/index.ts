import type { CollectContext, CollectOutcome } from "../collector.ts";
import type { WakingCollector } from "../scheduler.ts";
import { CommandUnavailableError } from "../../../shared/process/run-command.ts";
import type { UnitsCollectorConfig } from "./config.ts";
import { type Systemctl, createSystemctl } from "./exec.ts";
import { ExitWatch, type ExitWatchOptions } from "./exit-watch.ts";
import { SystemctlOutputError } from "./parse-error.ts";
import { parseListUnitFiles } from "./parse-list-unit-files.ts";
import { parseListUnits } from "./parse-list-units.ts";
import { parseShowBlocks } from "./parse-show.ts";
import type { LocalTimeResolver } from "./parse-timestamp.ts";
import { unitObservations } from "./samples.ts";
import { isGlob, isTemplate, withUnitType } from "./unit-names.ts";
import { SHOW_PROPERTIES, type UnitStatus, unitStatus } from "./unit-status.ts";

/** Seams for tests: a systemctl stand-in, the host's zone for pretty timestamps, where /proc and cgroups are. */
export interface UnitsCollectorSeams {
  systemctl?: Systemctl;
  localTime?: LocalTimeResolver;
  exitWatch?: Pick<ExitWatchOptions, "procRoot" | "cgroupRoots">;
}

/**
 * systemd units through systemctl: each configured unit (globs expanded by systemctl over loaded
 * units and unit files), plus every unit the host lists as failed. One `systemctl show` per cycle
 * reads them all. A failed unit that is not configured is shown once more after it leaves the
 * failed list, so the hub's latest state for it is not left at "failed". Unavailable when systemctl
 * is missing or cannot reach systemd (a container, a host without systemd).
 *
 * Once the scheduler watches its wakes, the configured units that have a main process are watched for
 * their exit (exit-watch.ts), which wakes the collector: a unit's death is collected, and pushed, within
 * milliseconds instead of up to one interval later.
 */
export function createUnitsCollector(
  config: Pick<UnitsCollectorConfig, "units" | "reportFailed" | "systemctl" | "timeout"> &
    Partial<Pick<UnitsCollectorConfig, "exitCheckInterval">>,
  seams: UnitsCollectorSeams = {},
): WakingCollector {
  const systemctl = seams.systemctl ?? createSystemctl({ path: config.systemctl, timeoutMs: config.timeout });
  const names = config.units.filter((pattern) => !isGlob(pattern)).map(withUnitType);
  const patterns = config.units.filter(isGlob);
  const exitCheckIntervalMs = config.exitCheckInterval ?? 0;
  let previouslyFailed: readonly string[] = [];
  let exitWatch: ExitWatch | undefined;

  return {
    name: "units",
    watchWakes(wake) {
      if (exitCheckIntervalMs <= 0) return () => {};
      const watch = new ExitWatch({ ...seams.exitWatch, pollIntervalMs: exitCheckIntervalMs, onExit: wake });
      exitWatch = watch;
      return () => {
        watch.close();
        if (exitWatch === watch) exitWatch = undefined;
      };
    },
    async collect(ctx: CollectContext): Promise<CollectOutcome> {
      try {
        const [failed, matched] = await Promise.all([
          config.reportFailed ? systemctl.listFailedUnits(ctx.signal).then((text) => parseListUnits(text).map((u) => u.unit)) : undefined,
          expandGlobs(systemctl, patterns, ctx.signal),
        ]);
        const shown = [...new Set([...names, ...matched, ...(failed ?? []), ...previouslyFailed])];
        const statuses =
          shown.length === 0 ? [] : readStatuses(await systemctl.show(shown, SHOW_PROPERTIES, ctx.signal), shown, seams.localTime);
        // Configured units only (an alias is shown under its target's Id): the host's other units are shown around their failure.
        const configured = new Set([...names, ...matched]);
        const reportedOnly = new Set([...(failed ?? []), ...previouslyFailed].filter((unit) => !configured.has(unit)));
        exitWatch?.track(statuses.filter((s) => !reportedOnly.has(s.unit)));
        previouslyFailed = failed ?? [];
        return { kind: "ok", ...unitObservations(statuses, failed?.length, ctx.now) };
      } catch (err) {
        if (err instanceof CommandUnavailableError) return { kind: "unavailable", reason: err.message };
        throw err;
      }
    },
  };
}

/** The units the globs match, loaded or only installed; templates (`getty@.service`) left out. */
async function expandGlobs(systemctl: Systemctl, patterns: readonly string[], signal: AbortSignal): Promise<string[]> {
  if (patterns.length === 0) return [];
  const [loaded, files] = await Promise.all([systemctl.listUnits(patterns, signal), systemctl.listUnitFiles(patterns, signal)]);
  const units = [...parseListUnits(loaded).map((u) => u.unit), ...parseListUnitFiles(files).map((f) => f.unit)];
  return [...new Set(units)].filter((unit) => !isTemplate(unit)).sort();
}

/**
 * One status per unit. systemctl prints the blocks in the order asked, so a block without `Id` is
 * named by its position; each unit asked for must have its block.
 */
function readStatuses(text: string, asked: readonly string[], localTime: LocalTimeResolver | undefined): UnitStatus[] {
  const blocks = parseShowBlocks(text);
  if (blocks.length !== asked.length) {
    throw new SystemctlOutputError("systemctl show", `printed ${blocks.length} unit block(s) for the ${asked.length} unit(s) asked`);
  }
  const byUnit = new Map<string, UnitStatus>();
  for (const [i, block] of blocks.entries()) {
    const status = unitStatus(block, asked[i], localTime);
    byUnit.set(status.unit, status);
  }
  return [...byUnit.values()];
}
