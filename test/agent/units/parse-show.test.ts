import { describe, expect, it } from "vitest";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { parseShowBlocks } from "../../../agent/collectors/units/parse-show.ts";
import { systemdFixture } from "./systemd-fixtures.ts";

describe("parseShowBlocks", () => {
  it("reads the full show of a running apache2 (Ubuntu, systemd 245): 240 properties, values with '=' and empty ones kept whole", () => {
    const blocks = parseShowBlocks(systemdFixture("systemctl-show-apache2-service-full-active-running-ubuntu-systemd245.txt"));
    expect(blocks).toHaveLength(1);
    const apache = blocks[0] as ReadonlyMap<string, string>;
    expect(apache.size).toBe(240);
    expect(apache.get("Id")).toBe("apache2.service");
    expect(apache.get("ActiveEnterTimestamp")).toBe("Wed 2022-03-09 11:53:44 UTC");
    expect(apache.get("MemoryCurrent")).toBe("16412672");
    expect(apache.get("EffectiveCPUs")).toBe("");
    expect(apache.get("Environment")).toBe("APACHE_STARTED_BY_SYSTEMD=true");
    expect(apache.get("ExecStart")).toBe(
      "{ path=/usr/sbin/apachectl ; argv[]=/usr/sbin/apachectl start ; ignore_errors=no ; start_time=[n/a] ; stop_time=[n/a] ; pid=0 ; code=(null) ; status=0/0 }",
    );
  });

  it("reads the full show of a failed oneshot (systemd 252): Result, ExecMainStatus, structured ExecStart", () => {
    const [block, ...rest] = parseShowBlocks(systemdFixture("systemctl-show-model-sync-service-full-failed-exit-code-3-systemd252.txt"));
    expect(rest).toEqual([]);
    expect(block?.size).toBe(242);
    expect(block?.get("Id")).toBe("model-sync.service");
    expect(block?.get("Result")).toBe("exit-code");
    expect(block?.get("ExecMainStatus")).toBe("3");
    expect(block?.get("WorkingDirectory")).toBe("!/tmp/sdu");
    expect(block?.get("ExecStart")).toMatch(/^\{ path=\/bin\/sh ; argv\[\]=\/bin\/sh -c exit 3 ; .* status=3 \}$/);
    // A full show leaves unset timestamps out instead of printing them empty.
    expect(block?.has("ActiveEnterTimestamp")).toBe(false);
    expect(block?.get("ActiveEnterTimestampMonotonic")).toBe("0");
  });

  it("splits several units at the blank lines, in the order asked", () => {
    const blocks = parseShowBlocks(systemdFixture("systemctl-show-p-11props-timestamp-unix-11-units-systemd252.txt"));
    expect(blocks.map((b) => b.get("Id"))).toEqual([
      "ollama-gpu.service",
      "ollama-cpu.service",
      "postgresql.service",
      "recommender.service",
      "model-sync.service",
      "vllm.service",
      "gpu-exporter.service",
      "comfyui.service",
      "old-runner.service",
      "ollama-rocm.service",
      "recommender.timer",
    ]);
    expect(blocks.map((b) => b.size)).toEqual([11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 7]);
    expect(blocks[9]?.get("UnitFileState")).toBe("");
  });

  it("reads a block without Id (4 properties, Rocky 9)", () => {
    const blocks = parseShowBlocks(systemdFixture("systemctl-show-p-4props-service-masked-rocky9.txt"));
    expect(blocks.map((b) => Object.fromEntries(b))).toEqual([
      { LoadState: "masked", ActiveState: "inactive", SubState: "dead", UnitFileState: "masked" },
    ]);
  });

  it("gives no block for empty output", () => {
    expect(parseShowBlocks("")).toEqual([]);
    expect(parseShowBlocks("\n\n")).toEqual([]);
  });

  it("throws, naming the line, for output that is not Key=value", () => {
    const garbage = "Id=postgresql.service\nFailed to get properties: Access denied\n";
    expect(() => parseShowBlocks(garbage)).toThrow(SystemctlOutputError);
    expect(() => parseShowBlocks(garbage)).toThrow(
      'systemctl show: line 2: expected Key=value, got "Failed to get properties: Access denied"',
    );
    expect(() => parseShowBlocks("=value")).toThrow(/line 1: expected Key=value/);
  });
});
