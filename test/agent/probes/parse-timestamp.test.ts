import { describe, expect, it } from "vitest";
import { parseTimestamp } from "../../../agent/collectors/probes/parse-timestamp.ts";

/** 2026-01-01T00:00:00Z */
const NEW_YEAR_S = 1_767_225_600;

function ms(value: unknown): number {
  const r = parseTimestamp(value);
  if (!r.ok) throw new Error(`expected a timestamp, got the reason: ${r.reason}`);
  return r.ms;
}

function reason(value: unknown): string {
  const r = parseTimestamp(value);
  if (r.ok) throw new Error(`expected a refusal, got ${r.ms}`);
  return r.reason;
}

describe("parseTimestamp", () => {
  it("reads epoch seconds, as a JSON number or as printed text, fractions included", () => {
    expect(ms(NEW_YEAR_S)).toBe(NEW_YEAR_S * 1000);
    expect(ms("1767225600\n")).toBe(NEW_YEAR_S * 1000);
    expect(ms(1767225600.25)).toBe(NEW_YEAR_S * 1000 + 250);
    expect(ms(" 1767225600.5 ")).toBe(NEW_YEAR_S * 1000 + 500);
  });

  it("reads epoch milliseconds, telling them from seconds at 1e11", () => {
    expect(ms(1_767_225_600_250)).toBe(1_767_225_600_250);
    expect(ms("1767225600250")).toBe(1_767_225_600_250);
    expect(ms(99_999_999_999)).toBe(99_999_999_999_000);
    expect(ms(100_000_000_000)).toBe(100_000_000_000);
  });

  it("reads ISO 8601 with Z or an offset, in every spelling of the offset", () => {
    expect(ms("2026-01-01T00:00:00Z")).toBe(NEW_YEAR_S * 1000);
    expect(ms("2026-01-01t00:00:00z")).toBe(NEW_YEAR_S * 1000);
    expect(ms("2026-01-01 01:00:00+01:00")).toBe(NEW_YEAR_S * 1000);
    expect(ms("2026-01-01T05:30:00+0530")).toBe(NEW_YEAR_S * 1000);
    expect(ms("2025-12-31T17:00:00-07")).toBe(NEW_YEAR_S * 1000);
    expect(ms("2026-01-01T00:00Z")).toBe(NEW_YEAR_S * 1000);
  });

  it("keeps fractions finer than milliseconds, as Ollama prints them (nanoseconds, local offset)", () => {
    // modified_at of deepseek-r1:latest in api-tags-2-models-docs-apimd.json
    expect(ms("2025-05-10T08:06:48.639712648-07:00")).toBeCloseTo(1_746_889_608_639.712_6, 3);
    // expires_at in api-ps-1-model-fully-in-vram-docs-apimd.json
    expect(ms("2024-06-04T14:38:31.83753-07:00")).toBeCloseTo(1_717_537_111_837.53, 3);
  });

  it("refuses an ISO time without a zone, and a date without a time, saying how to fix it", () => {
    expect(reason("2026-01-01T00:00:00")).toBe('"2026-01-01T00:00:00" has no time zone (add Z or an offset like +02:00)');
    expect(reason("2026-01-01")).toBe('"2026-01-01" is a date without a time');
  });

  it("refuses impossible dates rather than rolling them over", () => {
    expect(reason("2026-02-30T00:00:00Z")).toBe('"2026-02-30T00:00:00Z" is not a valid date and time');
    expect(reason("2026-01-01T24:30:00Z")).toBe('"2026-01-01T24:30:00Z" is not a valid date and time');
  });

  it("refuses microseconds and nanoseconds instead of guessing the unit", () => {
    expect(reason(1_767_225_600_000_000)).toBe("1767225600000000 is too large for epoch s or ms (µs and ns are refused)");
  });

  it("refuses garbage, empty text, negative numbers and non-scalars, naming what it got", () => {
    const expected = "(expected epoch s or ms, or ISO 8601 with a zone)";
    expect(reason("soon")).toBe(`not a timestamp: the string "soon" ${expected}`);
    expect(reason("")).toBe(`not a timestamp: the string "" ${expected}`);
    expect(reason("March 7, 2026")).toBe(`not a timestamp: the string "March 7, 2026" ${expected}`);
    expect(reason(-5)).toBe(`not a timestamp: -5 ${expected}`);
    expect(reason(Number.NaN)).toBe(`not a timestamp: NaN ${expected}`);
    expect(reason(null)).toBe(`not a timestamp: null ${expected}`);
    expect(reason(true)).toBe(`not a timestamp: boolean true ${expected}`);
    expect(reason({ at: 1 })).toBe(`not a timestamp: an object ${expected}`);
  });
});
