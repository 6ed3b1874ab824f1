import { createServer, request, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

const NEXT = "/api/v1/agent/actions/next";

/**
 * A man in the middle between an agent and its hub on 127.0.0.1, for the attacks the signature and
 * the nonce store must stop: it relays everything, keeps the last action request the hub delivered,
 * and can answer the agent's next poll with that captured request again (a replay), or hold a
 * delivered request back before handing it on (so it arrives expired). It can also lose what an
 * unreliable network loses: the answer to a poll after the hub wrote it (as into a half-open
 * connection), the agent's polls (and the acks they carry), its results.
 */
export class ActionRelay {
  readonly #upstream: URL;
  readonly #server: Server;
  /** The body of the last 200 answer to a poll. */
  captured: string | undefined;
  /** Answer the next poll with this body, without asking the hub. */
  replayNext: string | undefined;
  /** Polls held open at the hub right now. */
  readonly #pending = new Set<{ answer: (body: string) => void }>();
  /** Hold the next delivered request this long before passing it on. */
  holdNextMs = 0;
  /** Delivered requests passed on so far (replays included). */
  delivered = 0;
  /** Cut the agent's connection instead of passing on the next request the hub delivers. */
  dropNextAnswer = false;
  /** Answers the hub wrote that never reached the agent. */
  dropped = 0;
  /** Keep the agent's polls here, never answered and unseen by the hub (nor their acks). */
  holdPolls = false;
  /** Answer the agent's results with 503, as a hub that cannot take them. */
  failResults = false;

  private constructor(upstream: string) {
    this.#upstream = new URL(upstream);
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const path = req.url ?? "/";
        if (path.startsWith(NEXT) && this.holdPolls) return;
        if (req.method === "POST" && this.failResults) return void res.writeHead(503).end();
        if (path.startsWith(NEXT) && this.replayNext !== undefined) {
          const body = this.replayNext;
          this.replayNext = undefined;
          this.delivered++;
          res.writeHead(200, { "content-type": "application/json" }).end(body);
          return;
        }
        const headers: IncomingHttpHeaders = { ...req.headers, host: this.#upstream.host };
        let pending: { answer: (body: string) => void } | undefined;
        const up = request(new URL(path, this.#upstream), { method: req.method ?? "GET", headers }, (upRes) => {
          if (pending) this.#pending.delete(pending);
          const body: Buffer[] = [];
          upRes.on("data", (c: Buffer) => body.push(c));
          upRes.on("end", async () => {
            const text = Buffer.concat(body);
            if (path.startsWith(NEXT) && upRes.statusCode === 200) {
              if (this.dropNextAnswer) {
                this.dropNextAnswer = false;
                this.dropped++;
                return void res.destroy();
              }
              this.captured = text.toString("utf8");
              if (this.holdNextMs > 0) {
                const hold = this.holdNextMs;
                this.holdNextMs = 0;
                await new Promise((r) => setTimeout(r, hold));
              }
              this.delivered++;
            }
            const out = { ...upRes.headers };
            delete out["transfer-encoding"];
            out["content-length"] = String(text.length);
            res.writeHead(upRes.statusCode ?? 502, out).end(text);
          });
        });
        up.on("error", () => {
          if (!res.headersSent) res.writeHead(502).end();
        });
        up.end(Buffer.concat(chunks));
        if (path.startsWith(NEXT)) {
          const entry = {
            answer: (body: string) => {
              this.#pending.delete(entry);
              // The hub sees the poll abandoned before it handed anything over.
              up.destroy();
              this.delivered++;
              res.writeHead(200, { "content-type": "application/json" }).end(body);
            },
          };
          pending = entry;
          this.#pending.add(entry);
        }
      });
    });
  }

  /** The agent's polls passed on to the hub and not answered yet. */
  get openPolls(): number {
    return this.#pending.size;
  }

  /** Answers the agent's poll with `body` now if one is held open, else its next poll. */
  replay(body: string): void {
    const [held] = this.#pending;
    if (held) held.answer(body);
    else this.replayNext = body;
  }

  static async start(upstream: string): Promise<ActionRelay & { url: string }> {
    const relay = new ActionRelay(upstream);
    await new Promise<void>((resolve) => relay.#server.listen(0, "127.0.0.1", resolve));
    const { port } = relay.#server.address() as AddressInfo;
    return Object.assign(relay, { url: `http://127.0.0.1:${port}` });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }
}
