import { describe, expect, it } from "vitest";
import { backoffDelayMs, classifyHttpStatus, parseRetryAfter, retryDelayMs } from "../../shared/http/delivery.ts";
import { HTTP_STATUS_DECISIONS } from "../support/http-status-table.ts";

describe("classifyHttpStatus", () => {
  it.each(HTTP_STATUS_DECISIONS)("status %i is %s", (status, expected) => {
    expect(classifyHttpStatus(status)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  it("reads delta-seconds", () => expect(parseRetryAfter("7", now)).toBe(7000));
  it("reads an HTTP date", () => expect(parseRetryAfter("Mon, 23 Nov 2026 12:00:30 GMT", now)).toBe(30_000));
  it("treats a past date as now", () => expect(parseRetryAfter("Mon, 23 Nov 2026 11:00:00 GMT", now)).toBe(0));
  it("caps at one hour", () => expect(parseRetryAfter("999999", now)).toBe(3_600_000));
  it("ignores absent or unreadable values", () => {
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter("", now)).toBeNull();
    expect(parseRetryAfter("soon", now)).toBeNull();
  });
});

describe("backoff", () => {
  const policy = { initialMs: 1000, maxMs: 60_000 };
  it("doubles per attempt between half and all of the step", () => {
    expect(backoffDelayMs(0, policy, () => 0)).toBe(500);
    expect(backoffDelayMs(0, policy, () => 1)).toBe(1000);
    expect(backoffDelayMs(3, policy, () => 0)).toBe(4000);
    expect(backoffDelayMs(3, policy, () => 1)).toBe(8000);
  });
  it("never exceeds the maximum", () => {
    expect(backoffDelayMs(40, policy, () => 1)).toBe(60_000);
  });
  it("prefers the server's Retry-After", () => {
    expect(retryDelayMs({ kind: "retryable", reason: "429", retryAfterMs: 7000 }, 0, policy, () => 0)).toBe(7000);
    expect(retryDelayMs({ kind: "retryable", reason: "500" }, 1, policy, () => 0)).toBe(1000);
  });
});
