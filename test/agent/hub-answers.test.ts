import { describe, expect, it } from "vitest";
import { errorDetail, readIngestAck, readIssuedToken } from "../../agent/transport/hub-answers.ts";
import { wrap } from "../../shared/protocol/envelope.ts";

const base = { agentId: "a", bootId: "b", sequence: 7, duplicate: false, storedSamples: 3, storedStates: 0 };
/** What the hub sends (built with the protocol's own wrap, through JSON), with `payload` changed after. */
const ack = (payload: Record<string, unknown>) => {
  const env = JSON.parse(JSON.stringify(wrap("ingest_ack", base))) as Record<string, unknown>;
  return { ...env, payload: { ...(env.payload as object), ...payload } };
};

describe("the agent's reading of the hub's answers (no zod in the agent)", () => {
  it("reads an ingest_ack the hub builds with the protocol schema", () => {
    expect(readIngestAck(ack({}))).toEqual({ ok: true, value: { sequence: 7, duplicate: false } });
    expect(readIngestAck(ack({ sequence: 8, duplicate: true }))).toEqual({ ok: true, value: { sequence: 8, duplicate: true } });
  });

  it("names the field and what was wrong", () => {
    expect(readIngestAck(undefined)).toEqual({ ok: false, reason: "(answer): is required (expected a JSON object)" });
    expect(readIngestAck({ ...ack({}), protocolVersion: 2 })).toEqual({ ok: false, reason: "protocolVersion: expected 1, got number 2" });
    expect(readIngestAck({ ...ack({}), kind: "sample_page" })).toEqual({
      ok: false,
      reason: 'kind: expected "ingest_ack", got the string "sample_page"',
    });
    expect(readIngestAck(ack({ sequence: "7" }))).toEqual({
      ok: false,
      reason: 'payload.sequence: expected a positive integer, got the string "7"',
    });
    expect(readIngestAck(ack({ sequence: 0 }))).toMatchObject({
      ok: false,
      reason: "payload.sequence: expected a positive integer, got number 0",
    });
    expect(readIngestAck({ ...ack({}), payload: { sequence: 7 } })).toEqual({
      ok: false,
      reason: "payload.duplicate: is required (expected true or false)",
    });
  });

  it("reads an issued token, refusing an empty one", () => {
    expect(readIssuedToken({ agentId: "gpu-box-1", token: "vgt_x" })).toEqual({
      ok: true,
      value: { agentId: "gpu-box-1", token: "vgt_x" },
    });
    expect(readIssuedToken({ agentId: "gpu-box-1", token: "" })).toEqual({
      ok: false,
      reason: 'token: expected a non-empty string, got the string ""',
    });
    expect(readIssuedToken({ token: "x" })).toEqual({ ok: false, reason: "agentId: is required (expected a string)" });
  });

  it("shows an error body's code and message, and nothing for anything else", () => {
    expect(errorDetail(JSON.stringify({ error: { code: "BATCH_INVALID", message: "samples[0].value: must be a finite number" } }))).toBe(
      " BATCH_INVALID: samples[0].value: must be a finite number",
    );
    expect(errorDetail(JSON.stringify({ error: { code: "X", message: "m".repeat(400) } }))).toHaveLength(" X: ".length + 300);
    expect(errorDetail("<html>bad gateway</html>")).toBe("");
    expect(errorDetail(JSON.stringify({ error: "no" }))).toBe("");
  });
});
