import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ActionLink } from "../../../agent/actions/action-link.ts";
import type { HandledResult } from "../../../agent/actions/handle-request.ts";
import type { Redelivery } from "../../../agent/actions/redelivery.ts";
import { Secret } from "../../../shared/config/secret.ts";
import { createLogger } from "../../../shared/log/logger.ts";
import { parseEnvelope } from "../../../shared/protocol/envelope.ts";
import { waitFor } from "../../support/processes.ts";
import { newKeys, signedEnvelope } from "./support/requests.ts";

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
const servers: Server[] = [];
const links: ActionLink[] = [];
afterEach(async () => {
  for (const l of links.splice(0)) await l.stop();
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** A scripted hub on 127.0.0.1: each request goes to `handle`, with its body read. */
async function scriptedHub(handle: Handler): Promise<{ url: string; seen: Array<{ method: string; path: string; auth: string }> }> {
  const seen: Array<{ method: string; path: string; auth: string }> = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      seen.push({ method: req.method ?? "", path: req.url ?? "", auth: req.headers.authorization ?? "" });
      handle(req, Buffer.concat(chunks).toString("utf8"), res);
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

function link(
  url: string,
  handle: (envelope: unknown) => Promise<HandledResult>,
  logs: string[],
  redelivered?: (envelope: unknown) => Redelivery,
) {
  const l = new ActionLink({
    hubUrl: url,
    agentId: "gpu-1",
    token: () => new Secret("agent-tok-51", "test"),
    handler: { handle, ...(redelivered ? { redelivered } : {}) },
    logger: createLogger({ component: "agent", write: (line) => void logs.push(line) }),
    backoff: { initialMs: 20, maxMs: 100 },
    requestTimeoutMs: 2000,
  });
  links.push(l);
  l.start();
  return l;
}

/** A request valid now (the link remembers acked ids until their request has long expired, by the real clock). */
const current = () => signedEnvelope(newKeys().privateKey, { agentId: "gpu-1", issuedAt: Date.now(), expiresAt: Date.now() + 60_000 });

const result = (requestId: string): HandledResult => ({
  requestId,
  agentId: "gpu-1",
  action: "restart-unit",
  status: "succeeded",
  argv: ["/usr/bin/systemctl", "restart", "ollama-gpu.service"],
  exitCode: 0,
  stdout: "",
  stderr: "",
  outputTruncated: false,
  startedAt: 1,
  durationMs: 5,
});

describe("ActionLink", () => {
  it("hands what a poll brings to the handler and posts the result, retrying while the hub cannot take it", async () => {
    const envelope = signedEnvelope(newKeys().privateKey, { agentId: "gpu-1" }) as { payload: { requestId: string } };
    const requestId = envelope.payload.requestId;
    let polls = 0;
    let resultTries = 0;
    const posted: unknown[] = [];
    const hub = await scriptedHub((req, body, res) => {
      if (req.url?.startsWith("/api/v1/agent/actions/next")) {
        polls++;
        if (polls === 1) return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(envelope));
        return void setTimeout(() => res.writeHead(204).end(), 50);
      }
      resultTries++;
      if (resultTries === 1) return void res.writeHead(503).end();
      posted.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const handled: unknown[] = [];
    const logs: string[] = [];
    const l = link(
      hub.url,
      async (e) => {
        handled.push(e);
        return result(requestId);
      },
      logs,
    );
    await waitFor("the result to be posted", () => posted.length === 1 || undefined, 5000);
    expect(handled).toEqual([envelope]);
    const parsed = parseEnvelope("action_result", posted[0]);
    expect(parsed.ok && parsed.value.payload).toMatchObject({
      requestId,
      status: "succeeded",
      argv: ["/usr/bin/systemctl", "restart", "ollama-gpu.service"],
    });
    expect(hub.seen[0]).toEqual({
      method: "GET",
      path: "/api/v1/agent/actions/next?agentId=gpu-1&delivery=ack",
      auth: "Bearer agent-tok-51",
    });
    // The next poll acks what the first brought; the one after has nothing left to ack.
    expect(
      hub.seen
        .filter((s) => s.method === "GET")
        .map((s) => s.path)
        .slice(1, 3),
    ).toEqual([
      `/api/v1/agent/actions/next?agentId=gpu-1&delivery=ack&ack=${requestId}`,
      "/api/v1/agent/actions/next?agentId=gpu-1&delivery=ack",
    ]);
    expect(hub.seen.filter((s) => s.method === "POST").map((s) => s.path)).toEqual([
      `/api/v1/agent/actions/${requestId}/result`,
      `/api/v1/agent/actions/${requestId}/result`,
    ]);
    expect(l.counters).toEqual({ requests: 1, redeliveries: 0, resultsPosted: 1, resultsLost: 0 });
    expect(logs.join("")).not.toContain("agent-tok-51");
  });

  it("sends the result it had again when the hub hands over a request it handled before, without handling it again", async () => {
    const envelope = current() as { payload: { requestId: string } };
    const requestId = envelope.payload.requestId;
    let polls = 0;
    const posted: unknown[] = [];
    const hub = await scriptedHub((req, body, res) => {
      if (req.url?.startsWith("/api/v1/agent/actions/next")) {
        polls++;
        // The hub never got this agent's ack (it restarted before its next poll), so it hands the request over again.
        const headers = { "content-type": "application/json", "vigil-delivery-attempt": "2" };
        if (polls === 1) return void res.writeHead(200, headers).end(JSON.stringify(envelope));
        return void setTimeout(() => res.writeHead(204).end(), 50);
      }
      posted.push(JSON.parse(body));
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const handled: unknown[] = [];
    const logs: string[] = [];
    const l = link(
      hub.url,
      async (e) => {
        handled.push(e);
        return result(requestId);
      },
      logs,
      () => ({ kind: "finished", result: { ...result(requestId), stdout: "from the audit\n" } }),
    );
    await waitFor("the result to be posted", () => posted.length === 1 || undefined, 5000);
    await waitFor("the ack to be sent", () => hub.seen.some((s) => s.path.endsWith(`&ack=${requestId}`)) || undefined, 5000);
    expect(handled).toEqual([]);
    const parsed = parseEnvelope("action_result", posted[0]);
    expect(parsed.ok && parsed.value.payload).toMatchObject({ requestId, status: "succeeded", stdout: "from the audit\n" });
    expect(l.counters).toEqual({ requests: 0, redeliveries: 1, resultsPosted: 1, resultsLost: 0 });
    expect(logs.join("")).toContain("handled before, its result is sent again");
  });

  it("handles a redelivery it never got as new, and a copy of a request it acked as a replay, whatever the copy claims", async () => {
    const envelope = current() as { payload: { requestId: string } };
    const requestId = envelope.payload.requestId;
    let polls = 0;
    const hub = await scriptedHub((req, _body, res) => {
      if (req.url?.startsWith("/api/v1/agent/actions/next")) {
        polls++;
        // First: the second handover of a request whose first answer was lost. Then the same request again,
        // in answer to the poll that acked it: no hub does that, so it is a copy from somewhere else.
        if (polls <= 2) {
          const headers = { "content-type": "application/json", "vigil-delivery-attempt": String(polls + 1) };
          return void res.writeHead(200, headers).end(JSON.stringify(envelope));
        }
        return void setTimeout(() => res.writeHead(204).end(), 50);
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const handled: unknown[] = [];
    const lookedUp: unknown[] = [];
    const l = link(
      hub.url,
      async (e) => {
        handled.push(e);
        return result(requestId);
      },
      [],
      (e) => {
        lookedUp.push(e);
        return { kind: "new" };
      },
    );
    await waitFor("both copies to be handled", () => handled.length === 2 || undefined, 5000);
    expect(lookedUp).toEqual([envelope]);
    expect(hub.seen[1]?.path).toBe(`/api/v1/agent/actions/next?agentId=gpu-1&delivery=ack&ack=${requestId}`);
    expect(l.counters).toMatchObject({ requests: 2, redeliveries: 1 });
  });

  it("logs an outage once, not once per retry, and says when it is over", async () => {
    let polls = 0;
    const hub = await scriptedHub((_req, _body, res) => {
      polls++;
      if (polls <= 5) return void res.writeHead(503).end("down for maintenance");
      setTimeout(() => res.writeHead(204).end(), 50);
    });
    const logs: string[] = [];
    link(hub.url, async () => result("x"), logs);
    await waitFor(
      "polling to recover",
      () => logs.some((l) => l.includes("fetching action requests from the hub again")) || undefined,
      5000,
    );
    const failures = logs.filter((l) => l.includes("fetching action requests from the hub failed"));
    expect(failures).toHaveLength(1);
    expect(failures[0]).toContain("the hub answered 503 to /api/v1/agent/actions/next: down for maintenance");
  });

  it("stops at once while a poll is held open", async () => {
    const hub = await scriptedHub(() => {
      // Holds every poll, as the hub does when nothing is queued.
    });
    const l = link(hub.url, async () => result("x"), []);
    await waitFor("the poll to be open", () => hub.seen.length === 1 || undefined, 5000);
    const t0 = performance.now();
    await l.stop();
    expect(performance.now() - t0).toBeLessThan(500);
  });
});
