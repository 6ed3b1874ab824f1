import { describe, expect, it } from "vitest";
import {
  formatAge,
  formatDuration,
  formatHostDetails,
  formatHostsTable,
  formatJson,
  formatLabelList,
  formatLabelSet,
  formatSeries,
  formatTable,
  printable,
} from "../../hub/cli/format.ts";
import { gpuLatest, hostList, NOW } from "./support/fake-hub.ts";

describe("formatAge", () => {
  it.each([
    [0, "just now"],
    [999, "just now"],
    [-999, "just now"],
    [1000, "1s ago"],
    [4_000, "4s ago"],
    [4_999, "4s ago"],
    [119_999, "119s ago"],
    [120_000, "2m ago"],
    [7_199_999, "119m ago"],
    [7_200_000, "2h ago"],
    [47 * 3_600_000, "47h ago"],
    [48 * 3_600_000, "2d ago"],
    [400 * 86_400_000, "400d ago"],
    [-4_000, "in 4s"],
    [-3 * 3_600_000, "in 3h"],
  ])("%i ms is %s", (ms, text) => expect(formatAge(ms)).toBe(text));
});

describe("formatDuration", () => {
  it.each([
    [0, "0s"],
    [500, "500ms"],
    [1_500, "1s500ms"],
    [10_000, "10s"],
    [90_000, "1m30s"],
    [3_600_000, "1h"],
    [97_200_000, "1d3h"],
  ])("%i ms is %s", (ms, text) => expect(formatDuration(ms)).toBe(text));
});

describe("labels and series", () => {
  it("writes a Prometheus label set with keys sorted", () => {
    expect(formatLabelSet({ mount: "/", device: "sda" })).toBe('{device="sda",mount="/"}');
  });
  it("writes nothing for no labels", () => {
    expect(formatLabelSet({})).toBe("");
    expect(formatSeries("cpu_usage_ratio", {})).toBe("cpu_usage_ratio");
  });
  it("escapes backslashes, quotes and newlines as the Prometheus text format does", () => {
    expect(formatLabelSet({ path: 'C:\\x "y"\nz' })).toBe('{path="C:\\\\x \\"y\\"\\nz"}');
  });
  it("writes a series as name{labels}", () => {
    expect(formatSeries("disk_used_bytes", { mount: "/data" })).toBe('disk_used_bytes{mount="/data"}');
  });
  it("lists labels for a table cell", () => {
    expect(formatLabelList({ rack: "a", env: "prod" })).toBe("env=prod,rack=a");
    expect(formatLabelList({})).toBe("<none>");
  });
});

describe("printable", () => {
  it("shows control characters as escapes, so agent data cannot drive the terminal", () => {
    expect(printable("\u001b[31mred\u0007\r")).toBe("\\x1b[31mred\\x07\\x0d");
    expect(formatLabelSet({ k: "\u001b]0;pwned\u0007" })).toBe('{k="\\x1b]0;pwned\\x07"}');
  });
  it("leaves other text alone", () => expect(printable("gpu-1 ünïcødé ✓")).toBe("gpu-1 ünïcødé ✓"));
});

describe("formatTable", () => {
  it("aligns columns three spaces apart, without trailing spaces", () => {
    expect(
      formatTable(
        ["A", "LONG HEADER", "C"],
        [
          ["xx", "y", ""],
          ["x", "", "zzz"],
        ],
      ),
    ).toBe(["A    LONG HEADER   C", "xx   y", "x                  zzz"].join("\n"));
  });
  it("counts code points, not UTF-16 units", () => {
    expect(formatTable(["N", "X"], [["𝔸b", "1"]])).toBe(["N    X", "𝔸b   1"].join("\n"));
  });
});

describe("formatHostsTable", () => {
  it("lists hosts sorted by id with their age, version and labels", () => {
    expect(formatHostsTable(hostList.hosts, NOW)).toBe(
      [
        "ID      HOSTNAME    STATUS   LAST SEEN   AGENT VERSION   LABELS",
        "gpu-1   gpu-1.lan   up       4s ago      0.1.0           env=prod,rack=a",
        "nas     nas.lan     down     5m ago      0.0.9           <none>",
      ].join("\n"),
    );
  });
  it("says so when no host has reported", () => {
    expect(formatHostsTable([], NOW)).toBe("No hosts have reported to the hub yet.");
  });
});

describe("formatHostDetails", () => {
  it("shows the host, then samples grouped by name, then states", () => {
    expect(formatHostDetails(gpuLatest, NOW)).toBe(
      [
        "ID:             gpu-1",
        "Hostname:       gpu-1.lan",
        "Status:         up",
        "Last seen:      4s ago (2026-11-23T11:59:56.000Z)",
        "First seen:     2d ago (2026-11-21T12:00:00.000Z)",
        "Agent version:  0.1.0",
        "Boot ID:        6f1c2d3e-0000-4000-8000-000000000001",
        "Push interval:  10s",
        "Last sequence:  42",
        "Labels:         env=prod,rack=a",
        "",
        "Samples (3):",
        "  cpu_usage_ratio                 0.25",
        '  disk_used_bytes{mount="/"}      1200000000',
        '  disk_used_bytes{mount="/data"}  5000000000',
        "",
        "States (1):",
        '  zfs_pool_health{pool="tank"}  ONLINE',
      ].join("\n"),
    );
  });
  it("says none when a host has no samples or states yet", () => {
    const text = formatHostDetails({ host: gpuLatest.host, samples: [], states: [] }, NOW);
    expect(text.endsWith("Samples: none\n\nStates: none")).toBe(true);
  });
});

describe("formatJson", () => {
  it("indents by two spaces", () => expect(formatJson({ a: [1] })).toBe('{\n  "a": [\n    1\n  ]\n}'));
});
