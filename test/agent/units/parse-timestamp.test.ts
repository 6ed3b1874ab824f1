import { describe, expect, it } from "vitest";
import { SystemctlOutputError } from "../../../agent/collectors/units/parse-error.ts";
import { hostLocalTime, parseSystemdTimestamp } from "../../../agent/collectors/units/parse-timestamp.ts";

/** 2026-11-23 16:48:00 UTC, the ActiveEnterTimestamp of ollama-gpu.service in the systemd 252 fixtures. */
const OLLAMA_STARTED = 1_795_452_480_000;

describe("parseSystemdTimestamp", () => {
  it("reads --timestamp=unix, with or without microseconds", () => {
    expect(parseSystemdTimestamp("@1795452480", "ActiveEnterTimestamp")).toBe(OLLAMA_STARTED);
    expect(parseSystemdTimestamp("@1795452480.250000", "ActiveEnterTimestamp")).toBe(OLLAMA_STARTED + 250);
  });

  it("reads the pretty UTC form (--timestamp=utc, or a host in UTC), and the apache2 fixture's", () => {
    expect(parseSystemdTimestamp("Mon 2026-11-23 16:48:00 UTC", "ActiveEnterTimestamp")).toBe(OLLAMA_STARTED);
    expect(parseSystemdTimestamp("Wed 2022-03-09 11:53:44 UTC", "ActiveEnterTimestamp")).toBe(Date.UTC(2022, 2, 9, 11, 53, 44));
    expect(parseSystemdTimestamp("Mon 2026-11-23 16:48:00.123456 UTC", "x")).toBe(OLLAMA_STARTED);
  });

  it("reads another zone's abbreviation as the host's local time, as systemctl wrote it", () => {
    const berlin = (t: { year: number; month: number; day: number; hour: number; minute: number; second: number }) =>
      Date.UTC(t.year, t.month - 1, t.day, t.hour - 1, t.minute, t.second);
    expect(parseSystemdTimestamp("Mon 2026-11-23 17:48:00 CET", "ActiveEnterTimestamp", berlin)).toBe(OLLAMA_STARTED);
    // The default resolver is the agent's own zone, whatever the test machine's is.
    expect(parseSystemdTimestamp("Mo 2026-11-23 17:48:00 CET", "x")).toBe(new Date(2026, 10, 23, 17, 48, 0).getTime());
    expect(hostLocalTime({ year: 2026, month: 11, day: 23, hour: 17, minute: 48, second: 0 })).toBe(
      new Date(2026, 10, 23, 17, 48).getTime(),
    );
  });

  it("gives nothing for an unset timestamp (empty, n/a, @0)", () => {
    expect(parseSystemdTimestamp("", "ActiveEnterTimestamp")).toBeUndefined();
    expect(parseSystemdTimestamp("n/a", "ActiveEnterTimestamp")).toBeUndefined();
    expect(parseSystemdTimestamp("@0", "ActiveEnterTimestamp")).toBeUndefined();
  });

  it("throws, naming the property and the value, for anything else", () => {
    expect(() => parseSystemdTimestamp("yesterday", "vllm.service ActiveEnterTimestamp")).toThrow(SystemctlOutputError);
    expect(() => parseSystemdTimestamp("yesterday", "vllm.service ActiveEnterTimestamp")).toThrow(
      /vllm\.service ActiveEnterTimestamp: expected a timestamp such as "@1795452480" .*got "yesterday"/,
    );
    expect(() => parseSystemdTimestamp("4558792", "x")).toThrow(SystemctlOutputError);
  });
});
