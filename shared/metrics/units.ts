import { defineCatalog } from "./catalog.ts";

const UNIT = ["unit"] as const;

/**
 * What the units collector emits: the state of each watched systemd unit (configured names, glob
 * matches, and every unit the host lists as failed), keyed by the full unit name (`postgresql.service`).
 */
export const UNITS_CATALOG = defineCatalog({
  collector: "units",
  series: {
    restartsTotal: {
      name: "vigil_unit_restarts_total",
      type: "counter",
      help: "Automatic restarts systemd made (NRestarts); reset when the unit is started by hand. Services only.",
      labels: UNIT,
    },
    execMainStatus: {
      name: "vigil_unit_exec_main_status",
      type: "gauge",
      help: "ExecMainStatus: exit code of the main process's last exit, or its signal number when Result is signal or core-dump. Absent until it has exited.",
      labels: UNIT,
    },
    activeEnterAgeSeconds: {
      name: "vigil_unit_active_enter_age_seconds",
      type: "gauge",
      help: "Seconds since the unit last entered the active state (ActiveEnterTimestamp). Absent if it never did since systemd loaded it.",
      labels: UNIT,
    },
    execMainExitAgeSeconds: {
      name: "vigil_unit_exec_main_exit_age_seconds",
      type: "gauge",
      help: "Seconds since the main process last exited (ExecMainExitTimestamp): for a timer's oneshot service, the age of its last run.",
      labels: UNIT,
    },
    failedUnits: {
      name: "vigil_units_failed",
      type: "gauge",
      help: "Units the host lists as failed (systemctl list-units --state=failed), configured or not.",
      labels: [],
    },
  },
  states: {
    loadState: {
      name: "vigil_unit_load_state",
      help: "LoadState: whether systemd found and parsed the unit file.",
      labels: UNIT,
      values: ["loaded", "not-found", "masked", "bad-setting", "error", "stub", "merged"],
    },
    activeState: {
      name: "vigil_unit_active_state",
      help: "ActiveState: the unit's high-level state; failed means it stopped with an error or could not start.",
      labels: UNIT,
      values: ["active", "reloading", "inactive", "failed", "activating", "deactivating", "maintenance", "refreshing"],
    },
    subState: {
      name: "vigil_unit_sub_state",
      help: "SubState: the unit-type specific state (running, exited, dead, auto-restart, start-pre, waiting...).",
      labels: UNIT,
    },
    result: {
      name: "vigil_unit_result",
      help: "Result: how the unit last stopped or failed to start.",
      labels: UNIT,
      values: [
        "success",
        "exit-code",
        "signal",
        "core-dump",
        "timeout",
        "watchdog",
        "start-limit-hit",
        "resources",
        "oom-kill",
        "protocol",
      ],
    },
    unitFileState: {
      name: "vigil_unit_file_state",
      help: "UnitFileState: whether the unit starts at boot (enabled, disabled, static, masked...). Absent for units without a file.",
      labels: UNIT,
      values: ["enabled", "enabled-runtime", "disabled", "static", "masked", "indirect", "generated", "transient", "linked", "alias"],
    },
  },
});
