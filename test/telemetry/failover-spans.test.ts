import { afterEach, describe, expect, it } from "vitest";
import { currentTraceparent } from "../../shared/telemetry/tracer.ts";
import { type FailoverHarness, failoverHarness, GROUPS_YAML, T0 } from "../hub/failover/harness.ts";
import { useTempDirs } from "../support/temp-dir.ts";
import { useInProcessTracing } from "./support/in-process-tracing.ts";

const tracing = useInProcessTracing();
const tempDir = useTempDirs();
const open: FailoverHarness[] = [];
afterEach(() => {
  for (const h of open.splice(0)) h.close();
});

describe("failover spans", () => {
  it("each check round is a span; a switch is its child, with from, to and the new epoch; the switch's actions are asked inside it", async () => {
    const t = tracing();
    const h = failoverHarness(tempDir(), GROUPS_YAML);
    open.push(h);
    // The failover's action requests, with the trace context they were made in.
    const asked: Array<string | undefined> = [];
    const run = h.actions.run.bind(h.actions);
    h.actions.run = (op, body) => {
      asked.push(currentTraceparent());
      return run(op, body);
    };
    await h.runUntil("predictions", T0 + 10_000);
    h.set("job-a", false, "predictions: newest result 14m old");
    await h.runUntil("predictions", T0 + 30_000);
    expect(h.failover.status("predictions")).toMatchObject({ active: "job-b", epoch: 2 });
    expect(h.actions.asked.map((a) => a.action)).toEqual(["start-unit"]);

    const spans = t.exporter.spans;
    await t.finish();
    const switches = spans.filter((s) => s.name === "switch failover group");
    expect(switches).toHaveLength(1);
    const sw = switches[0];
    expect(sw?.attributes).toEqual({
      "vigil.failover.group": "predictions",
      "vigil.failover.from": "job-a",
      "vigil.failover.to": "job-b",
      "vigil.failover.cause": "failover",
      "vigil.failover.epoch": 2,
    });
    const check = spans.find((s) => s.spanContext().spanId === sw?.parentSpanContext?.spanId);
    expect(check?.name).toBe("check failover group");
    expect(check?.attributes).toEqual({
      "vigil.failover.group": "predictions",
      "vigil.failover.active": "job-b",
      "vigil.failover.epoch": 2,
    });
    expect(asked).toEqual([`00-${sw?.spanContext().traceId}-${sw?.spanContext().spanId}-01`]);
    // Rounds before and after the switch: one span each, roots of their own traces.
    const rounds = spans.filter((s) => s.name === "check failover group");
    expect(rounds.length).toBeGreaterThan(5);
    expect(rounds.every((s) => s.parentSpanContext === undefined)).toBe(true);
    expect(new Set(rounds.map((s) => s.spanContext().traceId)).size).toBe(rounds.length);
  });
});
