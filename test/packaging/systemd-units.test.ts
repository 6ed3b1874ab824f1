import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGES } from "../../packaging/package-specs.ts";
import { sysusersConf, tmpfilesConf } from "../../packaging/system-files.ts";
import { ROOT } from "../support/processes.ts";

/** A unit file's settings: "Section.Key" -> every value given, in order (comments and blank lines left out). */
function readUnit(name: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  let section = "";
  for (const raw of readFileSync(join(ROOT, "systemd", name), "utf8").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const header = /^\[(\w+)\]$/.exec(line);
    if (header) {
      section = header[1] ?? "";
      continue;
    }
    const eq = line.indexOf("=");
    const key = `${section}.${line.slice(0, eq)}`;
    settings.set(key, [...(settings.get(key) ?? []), line.slice(eq + 1)]);
  }
  return settings;
}

const one = (unit: Map<string, string[]>, key: string) => unit.get(key)?.at(-1);

describe.each([
  { program: "agent", file: "vigil-agent.service" },
  { program: "hub", file: "vigil-hub.service" },
] as const)("systemd/$file", ({ program, file }) => {
  const unit = readUnit(file);
  const spec = PACKAGES[program];

  it("runs the packaged wrapper with the packaged config, as the vigil user, and signals readiness", () => {
    expect(one(unit, "Service.ExecStart")).toBe(`${spec.commands[0]?.path} --config /etc/vigil/${spec.conffile}`);
    expect(one(unit, "Service.Type")).toBe("notify");
    // The READY=1 comes from systemd-notify, a child of the service.
    expect(one(unit, "Service.NotifyAccess")).toBe("all");
    expect(one(unit, "Service.User")).toBe("vigil");
    expect(sysusersConf()).toMatch(/^u vigil - /m);
  });

  it("restarts on failure, but not on a mistake only a person can fix, and gives up on a crash loop", () => {
    expect(one(unit, "Service.Restart")).toBe("on-failure");
    expect(one(unit, "Service.RestartSec")).toBe("10s");
    expect(one(unit, "Service.RestartPreventExitStatus")).toBe("2");
    expect(one(unit, "Unit.StartLimitIntervalSec")).toBe("5min");
    expect(one(unit, "Unit.StartLimitBurst")).toBe("5");
    expect(one(unit, "Service.StandardOutput")).toBe("journal");
  });

  it("is sandboxed: no privilege, no capability, a read-only system but for its own data directory", () => {
    const dataDir = `/var/lib/vigil/${program}`;
    expect(one(unit, "Service.NoNewPrivileges")).toBe("yes");
    expect(one(unit, "Service.CapabilityBoundingSet")).toBe("");
    expect(one(unit, "Service.AmbientCapabilities")).toBe("");
    expect(one(unit, "Service.ProtectSystem")).toBe("strict");
    expect(unit.get("Service.ReadWritePaths")).toEqual([dataDir]);
    expect(one(unit, "Service.WorkingDirectory")).toBe(dataDir);
    expect(one(unit, "Service.StateDirectory")).toBe(`vigil/${program}`);
    expect(tmpfilesConf(program)).toContain(`d ${dataDir} 0750 vigil vigil -\n`);
    expect(one(unit, "Service.PrivateTmp")).toBe("yes");
    expect(one(unit, "Service.RestrictAddressFamilies")).toBe("AF_UNIX AF_INET AF_INET6");
    expect(one(unit, "Service.SystemCallFilter")).toBe("@system-service");
    expect(one(unit, "Service.SystemCallErrorNumber")).toBe("EPERM");
    // The other program's data is out of reach, even on a host that runs both.
    expect(one(unit, "Service.InaccessiblePaths")).toBe(`-/var/lib/vigil/${program === "agent" ? "hub" : "agent"}`);
  });
});

describe("what the agent's collectors need of the sandbox", () => {
  const agent = readUnit("vigil-agent.service");
  const hub = readUnit("vigil-hub.service");

  it("keeps /dev for nvidia-smi (/dev/nvidia*) and zpool (/dev/zfs): no PrivateDevices, no ProtectClock (a device allow-list)", () => {
    for (const key of ["Service.PrivateDevices", "Service.ProtectClock", "Service.DeviceAllow", "Service.DevicePolicy"])
      expect(agent.has(key)).toBe(false);
    expect(one(hub, "Service.PrivateDevices")).toBe("yes");
    expect(one(hub, "Service.ProtectClock")).toBe("yes");
  });

  it("sees /home as it is (read-only), so its filesystem is measured, where the hub sees none of it", () => {
    expect(one(agent, "Service.ProtectHome")).toBe("read-only");
    expect(one(hub, "Service.ProtectHome")).toBe("yes");
  });

  it("leaves /proc whole for the system collector and nvidia-smi's process names; the hub hides other processes", () => {
    expect(agent.has("Service.ProtectProc")).toBe(false);
    expect(agent.has("Service.ProcSubset")).toBe(false);
    expect(one(hub, "Service.ProtectProc")).toBe("invisible");
  });
});

describe("the examples", () => {
  it("the fallback timer runs its job every 5 minutes through run-if-active, standby not counted as a failure", () => {
    const timer = readUnit("examples/predict-fallback.timer");
    const job = readUnit("examples/predict-fallback.service");
    expect(one(timer, "Timer.OnCalendar")).toBe("*:0/5");
    expect(one(job, "Service.Type")).toBe("oneshot");
    expect(one(job, "Service.ExecStart")).toMatch(
      /^\/usr\/bin\/vigil-agent run-if-active --config \/etc\/vigil\/agent\.yaml predictions -- \//,
    );
    // 75: not the active member, a normal skip (agent/run-if-active/exit-codes.ts).
    expect(one(job, "Service.SuccessExitStatus")).toBe("75");
    // The job's own user reads the config and keeps the hub's answer through the group vigil.
    expect(one(job, "Service.SupplementaryGroups")).toBe("vigil");
    expect(one(job, "Service.ReadWritePaths")).toContain("/var/lib/vigil/agent/run-if-active");
    expect(tmpfilesConf("agent")).toContain("d /var/lib/vigil/agent/run-if-active 2770 vigil vigil -\n");
    expect(tmpfilesConf("hub")).not.toContain("run-if-active");
  });

  it("the drop-ins change who the agent runs as, never its capabilities", () => {
    const docker = readUnit("examples/vigil-agent.service.d/docker.conf");
    const nerdctl = readUnit("examples/vigil-agent.service.d/nerdctl.conf");
    expect([...docker.keys()]).toEqual(["Service.SupplementaryGroups"]);
    expect(one(docker, "Service.SupplementaryGroups")).toBe("docker");
    expect([...nerdctl.keys()]).toEqual(["Service.User", "Service.Group"]);
    expect(one(nerdctl, "Service.User")).toBe("root");
  });
});
