import { describe, expect, it } from "vitest";
import { parseSeriesQuery } from "../../../hub/query/series-params.ts";
import { ApiError } from "../../../shared/http/api-error.ts";

const NOW = 1_790_031_600_000;

function refusal(params: Record<string, string>): { field: string | undefined; message: string } {
  try {
    parseSeriesQuery(params, NOW);
  } catch (err) {
    if (err instanceof ApiError && err.status === 400 && err.code === "SERIES_QUERY")
      return { field: err.details.field, message: err.message };
    throw err;
  }
  throw new Error("expected a refusal");
}

describe("parseSeriesQuery", () => {
  it("reads every parameter, times as epoch milliseconds or RFC 3339", () => {
    expect(
      parseSeriesQuery(
        {
          name: "vigil_zfs_pool_capacity_percent",
          host: "nas-1",
          labels: '{"pool":"tank, the big one:1"}',
          from: "2026-09-21T22:00:00Z",
          to: String(NOW),
          step: "5m",
        },
        NOW,
      ),
    ).toEqual({
      name: "vigil_zfs_pool_capacity_percent",
      host: "nas-1",
      labels: { pool: "tank, the big one:1" },
      from: NOW - 3_600_000,
      to: NOW,
      stepMs: 300_000,
    });
  });

  it("defaults to the last hour with the step left to the range", () => {
    expect(parseSeriesQuery({ name: "vigil_load1" }, NOW)).toEqual({ name: "vigil_load1", labels: {}, from: NOW - 3_600_000, to: NOW });
  });

  it.each([
    [{}, "name", "is required"],
    [{ name: "9lives" }, "name", "Prometheus-style name"],
    [{ name: "vigil_load1", host: "../etc" }, "host", "letters, digits"],
    [{ name: "vigil_load1", labels: "pool:tank" }, "labels", "JSON object"],
    [{ name: "vigil_load1", labels: '{"pool":3}' }, "labels.pool", "string"],
    [{ name: "vigil_load1", labels: '{"bad-name":"x"}' }, "labels.bad-name", "Prometheus-style name"],
    [{ name: "vigil_load1", from: "yesterday" }, "from", "RFC 3339"],
    [{ name: "vigil_load1", to: "2026-13-45T99:00:00Z" }, "to", "RFC 3339"],
    [{ name: "vigil_load1", from: String(NOW), to: String(NOW - 1) }, "from", "must be before to"],
    [{ name: "vigil_load1", step: "fast" }, "step", "duration"],
    [{ name: "vigil_load1", step: "500ms" }, "step", "at least 1s"],
  ])("refuses %j naming %s", (params, field, text) => {
    const r = refusal(params as Record<string, string>);
    expect(r.field).toBe(field);
    expect(r.message).toContain(text);
  });
});
