import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";

/** What the receiver does with the next request instead of accepting it. */
export type ReceiverFault = { status: number; headers?: Record<string, string>; body?: string } | { hang: true };

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** performance.now() when the body was complete. */
  at: number;
}

/**
 * A Slack- or webhook-like HTTP receiver on 127.0.0.1. Faults queued in `faults` answer the next
 * requests first (a status, or no answer at all); then it accepts with `acceptWith` (default
 * `200 ok`, like Slack). `accepted` holds only the requests it answered 2xx: what a real receiver
 * would have kept. Closed after each test.
 */
export function useReceivers() {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(
      open.splice(0).map(
        (server) =>
          new Promise<void>((resolve) => {
            server.closeAllConnections();
            server.close(() => resolve());
          }),
      ),
    );
  });
  return async (acceptWith: { status: number; body: string } = { status: 200, body: "ok" }) => {
    const faults: ReceiverFault[] = [];
    const accepted: ReceivedRequest[] = [];
    const state = { requests: 0 };
    const hanging: ServerResponse[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        state.requests++;
        const fault = faults.shift();
        if (fault && "hang" in fault) {
          hanging.push(res);
          return;
        }
        if (fault) {
          res.writeHead(fault.status, { "content-type": "text/plain", ...fault.headers });
          res.end(fault.body ?? `fault ${fault.status}`);
          return;
        }
        accepted.push({ path: req.url ?? "/", headers: req.headers, body: Buffer.concat(chunks).toString("utf8"), at: performance.now() });
        res.writeHead(acceptWith.status, { "content-type": "text/plain" });
        res.end(acceptWith.body);
      });
    });
    open.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, faults, accepted, state, server };
  };
}
