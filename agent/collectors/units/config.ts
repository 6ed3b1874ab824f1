import { z } from "zod";
import { duration } from "../../../shared/config/schema-helpers.ts";
import { UNIT_PATTERN } from "./unit-names.ts";

const unitPattern = z.string().regex(UNIT_PATTERN, {
  error:
    'expected a unit name or glob such as "postgresql.service" or "ollama-*.service": letters, digits and : _ . \\ @ - * ? [ ] !, at most 256, not starting with "-"',
});

/** `collectors.units`: systemd units, through systemctl. */
export const unitsCollectorSchema = z.strictObject({
  enabled: z.boolean().default(true),
  interval: duration({ min: "1s" }).default(15_000),
  timeout: duration({ min: "100ms" }).default(10_000),
  /**
   * Units to watch: full names (`postgresql.service`; a name without a type means `.service`, as in
   * systemctl) or globs (`ollama-*.service`) that systemctl expands over loaded units and unit files.
   * Empty by default: the host's failed units are reported all the same.
   */
  units: z.array(unitPattern).default([]),
  /** Also report every unit the host lists as failed, configured or not. */
  reportFailed: z.boolean().default(true),
  /** The systemctl executable: a bare name is looked up on PATH. */
  systemctl: z.string().min(1).default("systemctl"),
  /**
   * Collect at once when the processes of a configured running unit end, instead of at the next
   * interval (exit-watch.ts): through the unit's cgroup.events where it has one, else by checking its
   * main PID in /proc this often. 0 turns the watch off.
   */
  exitCheckInterval: duration({ max: "10s" })
    .refine((ms) => ms === 0 || ms >= 10, { error: 'expected 0 (off) or a duration of at least "10ms"' })
    .default(100),
});

export type UnitsCollectorConfig = z.infer<typeof unitsCollectorSchema>;
