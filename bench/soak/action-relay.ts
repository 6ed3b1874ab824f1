/**
 * A man in the middle between the soak's real agent and the hub: it relays everything, keeps the last
 * action request the hub delivered (the answer to the agent's long poll), and can hand that captured
 * request to the agent again: a replay, same bytes, valid signature, which the agent's nonce store
 * must refuse. A smaller twin of test/agent/actions/support/relay.ts, which the build does not include.
 */
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const NEXT = "/api/v1/agent/actions/next";

export class ActionRelay {
  readonly url: string;
  /** The body of the last 200 answer to a poll. */
  captured: string | undefined;
  replays = 0;
  readonly #server: Server;
  #replayNext: string | undefined;
  readonly #held = new Set<(body: string) => void>();

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
  }

  static async start(upstream: string): Promise<ActionRelay> {
    const up = new URL(upstream);
    let relay: ActionRelay | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => (relay as ActionRelay).#relay(up, req.url ?? "/", req.method ?? "GET", req.headers, Buffer.concat(chunks), res));
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    relay = new ActionRelay(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return relay;
  }

  /** Hands the captured request to the agent: now, if a poll is held open, else at its next poll. */
  replay(): boolean {
    if (this.captured === undefined) return false;
    this.replays++;
    const [held] = this.#held;
    if (held) held(this.captured);
    else this.#replayNext = this.captured;
    return true;
  }

  #relay(
    up: URL,
    path: string,
    method: string,
    headers: import("node:http").IncomingHttpHeaders,
    body: Buffer,
    res: import("node:http").ServerResponse,
  ): void {
    const isPoll = path.startsWith(NEXT);
    if (isPoll && this.#replayNext !== undefined) {
      const replay = this.#replayNext;
      this.#replayNext = undefined;
      res.writeHead(200, { "content-type": "application/json" }).end(replay);
      return;
    }
    let answer: ((body: string) => void) | undefined;
    const upReq = request(new URL(path, up), { method, headers: { ...headers, host: up.host } }, (upRes) => {
      if (answer) this.#held.delete(answer);
      const out: Buffer[] = [];
      upRes.on("data", (c: Buffer) => out.push(c));
      upRes.on("end", () => {
        const text = Buffer.concat(out);
        if (isPoll && upRes.statusCode === 200) this.captured = text.toString("utf8");
        const h = { ...upRes.headers };
        delete h["transfer-encoding"];
        h["content-length"] = String(text.length);
        if (!res.headersSent) res.writeHead(upRes.statusCode ?? 502, h).end(text);
      });
    });
    upReq.on("error", () => {
      // The hub went away (killed): this poll is over.
      if (answer) this.#held.delete(answer);
      if (!res.headersSent) res.writeHead(502).end();
    });
    upReq.end(body);
    if (isPoll) {
      answer = (replay: string) => {
        this.#held.delete(answer as (body: string) => void);
        // The hub sees the poll abandoned before it handed anything over.
        upReq.destroy();
        if (!res.headersSent) res.writeHead(200, { "content-type": "application/json" }).end(replay);
      };
      this.#held.add(answer);
      // The agent went away (killed): drop its poll at the hub too, as a direct connection would, or the
      // hub would hand the next request to a poll nobody reads, and a replay would go to a dead socket.
      res.on("close", () => {
        if (res.writableFinished) return;
        this.#held.delete(answer as (body: string) => void);
        upReq.destroy();
      });
    }
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((r) => this.#server.close(() => r()));
  }
}
