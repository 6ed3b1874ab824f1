import { Hono } from "hono";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runCli } from "../../../hub/cli/run.ts";
import { remediationOverview } from "../../../hub/remediation/api.ts";
import { registerRemediationRoutes } from "../../../hub/remediation/routes.ts";
import { Secret } from "../../../shared/config/secret.ts";
import { ApiError } from "../../../shared/http/api-error.ts";
import { listen } from "../../../shared/http/serve.ts";
import { captureIo } from "../../cli/support/capture.ts";
import { useTempDirs } from "../../support/temp-dir.ts";
import { remediationHarness, UNIT } from "./harness.ts";

const tempDir = useTempDirs();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** One restart that worked, then a firing a maintenance window paused; the API app over that service. */
async function withHistory(operators: Array<{ name: string; token: Secret; role: "operator" | "admin" }> = []) {
  const h = remediationHarness(tempDir());
  cleanups.push(() => h.close());
  h.unit("failed");
  await h.settle();
  await h.advance(2_000);
  h.unit("active");
  h.silences().create(
    {
      kind: "maintenance",
      matchers: { hosts: ["gpu-box"] },
      startsAt: h.clock.now,
      endsAt: h.clock.now + 3_600_000,
      comment: "UPS swap",
      createdBy: null,
    },
    h.clock.now,
  );
  await h.advance(60_000);
  h.unit("failed", "recommender.service");
  // The HTTP client below needs real timers.
  vi.useRealTimers();
  const app = new Hono();
  app.onError((err, c) => (err instanceof ApiError ? c.json(err.toBody(), err.status as 400) : c.text(String(err), 500)));
  registerRemediationRoutes(app, { remediation: h.service, adminTokens: [], operators });
  const request = (path: string, init: RequestInit = {}) =>
    Promise.resolve(app.request(path, init, { incoming: { socket: { remoteAddress: "127.0.0.1" } } }));
  return { h, app, request };
}

describe("GET /api/v1/remediation and vigil remediation", () => {
  it("lists the rules with remediation and the newest entries first", async () => {
    const { request } = await withHistory();
    const res = await request("/api/v1/remediation");
    expect(res.status).toBe(200);
    const body = remediationOverview.parse(await res.json());
    expect(body.enabled).toBe(true);
    expect(body.rules).toEqual([
      {
        rule: "unit-failed",
        builtin: true,
        action: "restart-unit",
        risk: "caution",
        host: "{{host}}",
        params: { unit: "{{labels.unit}}" },
        maxRuns: 3,
        windowMs: 3_600_000,
        backoffMs: 30_000,
        verifyAfterMs: 60_000,
      },
    ]);
    expect(body.entries.map((e) => [e.kind, e.params.unit, e.status])).toEqual([
      ["paused", "recommender.service", null],
      ["run", UNIT, "succeeded"],
    ]);
    const filtered = remediationOverview.parse(await (await request("/api/v1/remediation?limit=1&rule=unit-failed&host=gpu-box")).json());
    expect(filtered.entries).toHaveLength(1);
    expect((await request("/api/v1/remediation?host=elsewhere")).status).toBe(200);
  });

  it("names the bad query parameter, and wants an operator token when the hub has some", async () => {
    const { request } = await withHistory([{ name: "alice", token: new Secret("op-alice-token-3c", "inline"), role: "operator" }]);
    const unauthorized = await request("/api/v1/remediation");
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { code: "ACTION_TOKEN_MISSING" } });
    const auth = { headers: { authorization: "Bearer op-alice-token-3c" } };
    const bad = await request("/api/v1/remediation?limit=0", auth);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "REMEDIATION_QUERY_INVALID", field: "limit" } });
    expect((await request("/api/v1/remediation", auth)).status).toBe(200);
  });

  it("prints both tables", async () => {
    const { app, h } = await withHistory();
    const server = await listen(app, "127.0.0.1", 0);
    cleanups.push(() => server.close());
    const io = captureIo();
    const code = await runCli(["remediation"], { env: { VIGIL_HUB_URL: server.url }, io, now: () => h.clock.now, version: "9.9.9" });
    expect(io.stderr()).toBe("");
    expect(code).toBe(0);
    const silence = h.silences().list(["active"], h.clock.now)[0]?.id ?? "?";
    // Silence ids are UUIDs: always 36 characters, so the columns do not move.
    expect(io.stdout()).toBe(
      [
        "Automatic remediation is on.",
        "",
        "RULE                     ACTION         HOST       PARAMS                 RISK      LIMIT      BACK-OFF   VERIFY AFTER",
        "unit-failed (built-in)   restart-unit   {{host}}   unit={{labels.unit}}   caution   3 per 1h   30s        1m",
        "",
        `WHEN       RULE          HOST      WHAT                                               OUTCOME${" ".repeat(64)}REQUEST`,
        `just now   unit-failed   gpu-box   restart-unit unit=recommender.service on gpu-box   paused by maintenance ${silence}: UPS swap   -`,
        `62s ago    unit-failed   gpu-box   restart-unit unit=${UNIT} on gpu-box    succeeded (exit 0, 0.42 s)${" ".repeat(45)}00000000-0000-4000-8000-000000000001`,
        "",
      ].join("\n"),
    );
  });
});
