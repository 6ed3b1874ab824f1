import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * A stand-in for systemctl over real processes, for the remediation test and benchmark on a machine
 * without systemd. Each unit is one real process (`sleep`), started in its own session with its
 * stdio on /dev/null, as systemd starts a service (so the agent's action runner, which kills its
 * command's process group, never takes the service with it); its PID is in `<state>/<unit>.pid`.
 * With `cgroup` (a cgroup v2 directory the caller made, named `controlGroup` relative to the
 * hierarchy's root), each unit's process is put in its own cgroup `<cgroup>/<unit>`, as systemd does.
 *
 *  - `show ... -- UNIT...`: one block per unit from the process's state: `active`/`running` and
 *    `MainPID=<pid>` while it lives, `failed`/`failed` once it died (a zombie counts as dead: systemd,
 *    its parent, hears of the death at once), `inactive`/`dead` before it was ever started, with
 *    `MainPID=0` as systemd prints it; `ControlGroup=` the unit's cgroup while it lives, else empty.
 *    Other properties are left out.
 *  - `restart UNIT` / `start UNIT`: stops the old process if it lives and starts a new one, returning
 *    once its PID is written, as `systemctl restart` returns once a simple service is started.
 *    `<state>/<unit>.lifetime` (seconds) makes the process exit by itself that long after each start:
 *    a unit that keeps dying.
 *  - `stop UNIT`; `list-units ...` prints nothing (no other failed units).
 *
 * Every call is appended to `<state>/calls`. Test and benchmark only: a small sh script, as
 * test/support/fake-bin.ts writes; product code never goes through a shell.
 */
export function writeFakeSystemctl(binDir: string, stateDir: string, cgroup?: { dir: string; controlGroup: string }): string {
  mkdirSync(binDir, { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  const path = join(binDir, "systemctl");
  writeFileSync(
    path,
    `#!/bin/sh
STATE=${q(stateDir)}
CGDIR=${q(cgroup?.dir ?? "")}
CGNAME=${q(cgroup?.controlGroup ?? "")}
printf '%s\\n' "$*" >> "$STATE/calls"
alive() {
  [ -n "$1" ] || return 1
  s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  s=\${s##*) }
  [ "\${s%% *}" != Z ] && [ "\${s%% *}" != X ]
}
pid_of() { cat "$STATE/$1.pid" 2>/dev/null; }
start_unit() {
  life=100000
  [ -f "$STATE/$1.lifetime" ] && life=$(cat "$STATE/$1.lifetime")
  rm -f "$STATE/$1.pid.new"
  cg=
  if [ -n "$CGDIR" ]; then cg="$CGDIR/$1"; mkdir -p "$cg"; fi
  setsid sh -c '[ -z "$2" ] || echo $$ > "$2/cgroup.procs"; echo $$ > "$0"; exec sleep "$1"' "$STATE/$1.pid.new" "$life" "$cg" </dev/null >/dev/null 2>&1 &
  i=0
  while [ ! -s "$STATE/$1.pid.new" ] && [ $i -lt 1000 ]; do sleep 0.005; i=$((i+1)); done
  mv "$STATE/$1.pid.new" "$STATE/$1.pid"
}
stop_unit() {
  p=$(pid_of "$1")
  if alive "$p"; then kill "$p" 2>/dev/null; fi
}
case "$1" in
  show)
    shift
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
    [ "$1" = "--" ] && shift
    first=1
    for u in "$@"; do
      [ $first = 1 ] || echo
      first=0
      p=$(pid_of "$u")
      main=0; group=
      if alive "$p"; then a=active; sub=running; r=success; main=$p; [ -z "$CGNAME" ] || group="$CGNAME/$u"
      elif [ -n "$p" ]; then a=failed; sub=failed; r=signal
      else a=inactive; sub=dead; r=success; fi
      printf 'Id=%s\\nLoadState=loaded\\nActiveState=%s\\nSubState=%s\\nUnitFileState=enabled\\nResult=%s\\nMainPID=%s\\nControlGroup=%s\\n' "$u" "$a" "$sub" "$r" "$main" "$group"
    done
    ;;
  restart|start)
    stop_unit "$2"
    start_unit "$2"
    ;;
  stop)
    stop_unit "$2"
    ;;
  list-units)
    ;;
  *)
    echo "fake systemctl: unsupported: $*" >&2
    exit 1
    ;;
esac
`,
  );
  chmodSync(path, 0o755);
  return path;
}

/** The unit's current PID as the stand-in recorded it; undefined before its first start. */
export function unitPid(stateDir: string, unit: string): number | undefined {
  const file = join(stateDir, `${unit}.pid`);
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** Whether a process lives and is not a zombie (read from /proc, as the stand-in does). */
export function processAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** How many times the stand-in was asked to restart or start a unit. */
export function restartCalls(stateDir: string, unit: string): number {
  const file = join(stateDir, "calls");
  if (!existsSync(file)) return 0;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l === `restart ${unit}` || l === `start ${unit}`).length;
}
