import { SystemctlOutputError, quoteLine } from "./parse-error.ts";
import type { ShowBlock } from "./parse-show.ts";
import { type LocalTimeResolver, hostLocalTime, parseSystemdTimestamp } from "./parse-timestamp.ts";

/** The properties the collector asks `systemctl show -p` for. */
export const SHOW_PROPERTIES = [
  "Id",
  "LoadState",
  "ActiveState",
  "SubState",
  "UnitFileState",
  "Result",
  "NRestarts",
  "ExecMainCode",
  "ExecMainStatus",
  "ActiveEnterTimestamp",
  "ExecMainExitTimestamp",
  "MainPID",
  "ControlGroup",
] as const;

/** One unit as `systemctl show` describes it. An absent field was not printed, or printed empty. */
export interface UnitStatus {
  unit: string;
  loadState: string;
  activeState: string;
  subState: string;
  unitFileState?: string;
  result?: string;
  /** NRestarts (services only). */
  restarts?: number;
  /** ExecMainStatus, only once the main process has exited (ExecMainCode is CLD_EXITED, CLD_KILLED or CLD_DUMPED). */
  execMainStatus?: number;
  /** ActiveEnterTimestamp, milliseconds since the epoch. */
  activeEnteredAt?: number;
  /** ExecMainExitTimestamp, milliseconds since the epoch. */
  execMainExitedAt?: number;
  /** MainPID, while the unit has a main process (systemd prints 0 otherwise). Not sent to the hub: the exit watch uses it. */
  mainPid?: number;
  /** ControlGroup, the unit's cgroup path (`/system.slice/ollama.service`) while it has one. For the exit watch too. */
  controlGroup?: string;
}

/** siginfo's si_code for a child that exited, was killed, or dumped core: then ExecMainStatus is real. */
const EXITED_CODES = new Set(["1", "2", "3"]);

/**
 * Reads one block of `systemctl show -p ...` output. `fallbackUnit` names a block without `Id`
 * (output captured with fewer properties); a block with neither, or without a load, active or sub
 * state, or with a number or timestamp that is not one, throws an error naming the unit and property.
 */
export function unitStatus(block: ShowBlock, fallbackUnit?: string, localTime: LocalTimeResolver = hostLocalTime): UnitStatus {
  const unit = nonEmpty(block.get("Id")) ?? fallbackUnit;
  if (unit === undefined) throw new SystemctlOutputError("systemctl show", "a unit's block has no Id");
  const where = `systemctl show ${unit}`;
  const required = (property: string): string => {
    const value = nonEmpty(block.get(property));
    if (value === undefined) throw new SystemctlOutputError(where, `${property} is missing or empty`);
    return value;
  };
  const count = (property: string): number | undefined => {
    const value = nonEmpty(block.get(property));
    if (value === undefined) return undefined;
    if (!/^\d+$/.test(value)) throw new SystemctlOutputError(where, `${property}: expected a whole number, got ${quoteLine(value)}`);
    return Number(value);
  };
  const timestamp = (property: string): number | undefined => {
    const value = block.get(property);
    return value === undefined ? undefined : parseSystemdTimestamp(value, `${unit} ${property}`, localTime);
  };

  const status: UnitStatus = {
    unit,
    loadState: required("LoadState"),
    activeState: required("ActiveState"),
    subState: required("SubState"),
  };
  const unitFileState = nonEmpty(block.get("UnitFileState"));
  if (unitFileState !== undefined) status.unitFileState = unitFileState;
  const result = nonEmpty(block.get("Result"));
  if (result !== undefined) status.result = result;
  const restarts = count("NRestarts");
  if (restarts !== undefined) status.restarts = restarts;
  const execMainCode = count("ExecMainCode");
  const execMainStatus = count("ExecMainStatus");
  if (execMainStatus !== undefined && EXITED_CODES.has(String(execMainCode))) status.execMainStatus = execMainStatus;
  const activeEnteredAt = timestamp("ActiveEnterTimestamp");
  if (activeEnteredAt !== undefined) status.activeEnteredAt = activeEnteredAt;
  const execMainExitedAt = timestamp("ExecMainExitTimestamp");
  if (execMainExitedAt !== undefined) status.execMainExitedAt = execMainExitedAt;
  const mainPid = count("MainPID");
  if (mainPid !== undefined && mainPid > 0) status.mainPid = mainPid;
  const controlGroup = nonEmpty(block.get("ControlGroup"));
  if (controlGroup !== undefined) status.controlGroup = controlGroup;
  return status;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === "" ? undefined : trimmed;
}
