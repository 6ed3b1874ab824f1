import { describe, expect, it } from "vitest";
import { parseNetDev } from "../../../agent/collectors/system/parse-net-dev.ts";
import { ProcParseError } from "../../../agent/collectors/system/proc-text.ts";
import { procFixture } from "./proc-fixtures.ts";

describe("parseNetDev", () => {
  it("reads lo and ens33 under the two header lines (jc)", () => {
    const interfaces = parseNetDev(procFixture("net-dev-lo-ens33-jc.txt"));
    expect(interfaces.map((i) => i.device)).toEqual(["lo", "ens33"]);
    expect(interfaces[1]).toEqual({
      device: "ens33",
      receiveBytes: 60600053,
      receivePackets: 109378,
      receiveErrors: 0,
      receiveDropped: 0,
      transmitBytes: 44256546,
      transmitPackets: 121425,
      transmitErrors: 0,
      transmitDropped: 0,
    });
    expect(interfaces[0]).toMatchObject({ receiveBytes: 13222, transmitBytes: 13222, receivePackets: 152 });
  });

  it("reads a long veth name with no space before the colon (procfs)", () => {
    const interfaces = parseNetDev(procFixture("net-dev-docker0-veth-lo-eth0-procfs.txt"));
    expect(interfaces.map((i) => i.device)).toEqual(["vethf345468", "lo", "docker0", "eth0"]);
    expect(interfaces[0]).toMatchObject({ receiveBytes: 648, receivePackets: 8, transmitBytes: 438, transmitPackets: 5 });
    expect(interfaces[2]).toMatchObject({ device: "docker0", receiveBytes: 2568, receivePackets: 38, transmitBytes: 438 });
    expect(interfaces[3]).toMatchObject({ device: "eth0", receiveBytes: 874354587, transmitBytes: 563352563, transmitPackets: 732147 });
  });

  it("gives nothing for empty input or headers alone", () => {
    expect(parseNetDev("")).toEqual([]);
    const headers = procFixture("net-dev-lo-ens33-jc.txt").split("\n").slice(0, 2).join("\n");
    expect(parseNetDev(headers)).toEqual([]);
  });

  it("throws, naming the file, for garbage", () => {
    expect(() => parseNetDev("eth0 up 1000Mb/s\nwlan0 down")).toThrow(ProcParseError);
    expect(() => parseNetDev("eth0 up 1000Mb/s")).toThrow(/\/proc\/net\/dev/);
  });

  it("skips an interface line with a missing or non-numeric column", () => {
    const text = "  eth0: 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\n  eth1: 1 2 3\n  eth2: 1 2 3 4 5 6 7 8 x 10 11 12 13 14 15 16\n";
    const interfaces = parseNetDev(text);
    expect(interfaces.map((i) => i.device)).toEqual(["eth0"]);
    expect(interfaces[0]).toMatchObject({ receiveBytes: 1, receiveDropped: 4, transmitBytes: 9, transmitDropped: 12 });
  });
});
