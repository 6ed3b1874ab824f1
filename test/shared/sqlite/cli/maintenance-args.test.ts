import { describe, expect, it } from "vitest";
import { findMaintenanceCommand, parseMaintenanceArgs } from "../../../../shared/sqlite/cli/maintenance-args.ts";

const HUB = ["backup", "restore", "check"] as const;

describe("maintenance command line", () => {
  it("finds the command as the first word that is not an option, before or after --config", () => {
    expect(findMaintenanceCommand(["check"], HUB)).toBe("check");
    expect(findMaintenanceCommand(["--config", "/etc/vigil/hub.yaml", "backup", "/b/hub.sqlite.gz"], HUB)).toBe("backup");
    expect(findMaintenanceCommand(["-c", "check", "restore", "x"], HUB)).toBe("restore"); // a config file may be called "check"
    expect(findMaintenanceCommand(["--config=/etc/vigil/hub.yaml", "check"], HUB)).toBe("check");
    // The daemon: no word, or a word that is not a command (its own parser reports it).
    expect(findMaintenanceCommand([], HUB)).toBeUndefined();
    expect(findMaintenanceCommand(["--config", "hub.yaml"], HUB)).toBeUndefined();
    expect(findMaintenanceCommand(["restore", "x"], ["backup", "check"])).toBeUndefined();
  });

  it("takes one file for backup and restore, none for check", () => {
    expect(parseMaintenanceArgs(["backup", "/b/hub.sqlite.gz", "-c", "hub.yaml"], "backup")).toEqual({
      command: "backup",
      configFile: "hub.yaml",
      file: "/b/hub.sqlite.gz",
      help: false,
    });
    expect(parseMaintenanceArgs(["--config", "hub.yaml", "check"], "check")).toEqual({
      command: "check",
      configFile: "hub.yaml",
      file: undefined,
      help: false,
    });
    expect(parseMaintenanceArgs(["restore", "--help"], "restore").help).toBe(true);
    expect(() => parseMaintenanceArgs(["restore"], "restore")).toThrow("restore takes one file, got none");
    expect(() => parseMaintenanceArgs(["backup", "a", "b"], "backup")).toThrow("backup takes one file, got a b");
    expect(() => parseMaintenanceArgs(["check", "x"], "check")).toThrow("check takes no file, got x");
    expect(() => parseMaintenanceArgs(["check", "--gzip"], "check")).toThrow("Unknown option '--gzip'");
  });
});
