import { describe, expect, it } from "vitest";
import { parseMeminfo } from "../../../agent/collectors/system/parse-meminfo.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

const KIB = 1024;

describe("parseMeminfo", () => {
  it("reads a 16 GB host (telegraf) in bytes", () => {
    const m = parseMeminfo(procFixture("meminfo-16gb-host-telegraf.txt"));
    expect(m.get("MemTotal")).toBe(16201888 * KIB);
    expect(m.get("MemTotal")).toBe(16_590_733_312);
    expect(m.get("MemAvailable")).toBe(14221924 * KIB);
    expect(m.get("SwapCached")).toBe(1272 * KIB);
    expect(m.get("SwapTotal")).toBe(4194300 * KIB);
    expect(m.get("SwapFree")).toBe(4186844 * KIB);
    expect(m.get("VmallocTotal")).toBe(34359738368 * KIB);
    expect(m.get("DirectMap1G")).toBe(2097152 * KIB);
    expect(m.size).toBe(51);
  });

  it("keeps unit-less counts as they are and converts kB sizes", () => {
    const m = parseMeminfo(procFixture("meminfo-4gb-vm-with-memavailable-jc.txt"));
    expect(m.get("HugePages_Total")).toBe(0);
    expect(m.get("Hugepagesize")).toBe(2048 * KIB);
    expect(m.get("MemTotal")).toBe(3997272 * KIB);
    expect(m.get("MemAvailable")).toBe(3386876 * KIB);
    expect(m.get("Active(anon)")).toBe(70216 * KIB);
    expect(m.get("Inactive(anon)")).toBe(148 * KIB);
  });

  it("has no MemAvailable on a pre-3.14 kernel (node_exporter)", () => {
    const m = parseMeminfo(procFixture("meminfo-3.7gb-no-memavailable-node-exporter.txt"));
    expect(m.get("MemTotal")).toBe(3742148 * KIB);
    expect(m.has("MemAvailable")).toBe(false);
    expect(m.get("MemFree")).toBe(225472 * KIB);
    expect(m.get("SwapFree")).toBe(3155360 * KIB);
  });

  it("reads the zswap lines and zero swap (procfs)", () => {
    const m = parseMeminfo(procFixture("meminfo-with-zswap-procfs.txt"));
    expect(m.get("MemTotal")).toBe(15666184 * KIB);
    expect(m.get("Zswap")).toBe(22414 * KIB);
    expect(m.get("Zswapped")).toBe(10502 * KIB);
    expect(m.get("SwapTotal")).toBe(0);
    expect(m.has("MemAvailable")).toBe(false);
  });

  it("gives nothing for empty input", () => {
    expect(parseMeminfo("").size).toBe(0);
    expect(parseMeminfo("\n  \n").size).toBe(0);
  });

  it("throws, naming the file, for input of which no line parses", () => {
    expect(() => parseMeminfo("<html>502 Bad Gateway</html>\nnot meminfo")).toThrow(ProcParseError);
    expect(() => parseMeminfo("<html>502 Bad Gateway</html>")).toThrow(/\/proc\/meminfo/);
  });

  it("skips a malformed line instead of reading it as 0", () => {
    const m = parseMeminfo("MemTotal:       N/A kB\nMemFree:  100 kB\nSwapTotal: 5 MB\nCached\n");
    expect(m.has("MemTotal")).toBe(false);
    expect(m.has("SwapTotal")).toBe(false);
    expect([...m]).toEqual([["MemFree", 100 * KIB]]);
  });
});
