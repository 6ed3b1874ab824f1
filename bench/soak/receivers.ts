/**
 * The soak's three notification receivers on 127.0.0.1: a Slack incoming webhook that answers what
 * the plan says (500, 429 with Retry-After, else 200), an SMTP server (smtp-server) that can be stopped
 * and started again on the same port, and a webhook receiver. Each records the deliveries it accepted,
 * with the alert transitions found in them (parse-deliveries.ts).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { Delivery } from "./accounting.ts";
import { emailKeys, slackKeys, webhookKeys } from "./parse-deliveries.ts";

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

async function listenHttp(server: Server, port = 0): Promise<number> {
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  return (server.address() as AddressInfo).port;
}

export interface HttpReceiver {
  url: string;
  deliveries: Delivery[];
  /** Requests answered with something other than 200, by status. */
  refused: Record<string, number>;
  close: () => Promise<void>;
}

/** `statusNow()` decides each answer; only 200-answered bodies count as delivered. */
export async function startSlackReceiver(statusNow: () => number): Promise<HttpReceiver> {
  const deliveries: Delivery[] = [];
  const refused: Record<string, number> = {};
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const status = statusNow();
      if (status !== 200) {
        refused[String(status)] = (refused[String(status)] ?? 0) + 1;
        const headers: Record<string, string> = status === 429 ? { "retry-after": "2" } : {};
        res.writeHead(status, { "content-type": "text/plain", ...headers }).end(status === 429 ? "rate_limited" : "server_error");
        return;
      }
      deliveries.push({ keys: slackKeys(text) });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  const port = await listenHttp(server);
  return { url: `http://127.0.0.1:${port}/services/T0/B0/soak`, deliveries, refused, close: () => closeHttp(server) };
}

export async function startWebhookReceiver(): Promise<HttpReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((text) => {
      const id = req.headers["x-vigil-delivery"];
      deliveries.push({ ...(typeof id === "string" ? { deliveryId: id } : {}), keys: webhookKeys(text) });
      res.writeHead(204).end();
    });
  });
  const port = await listenHttp(server);
  return { url: `http://127.0.0.1:${port}/vigil`, deliveries, refused: {}, close: () => closeHttp(server) };
}

function closeHttp(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((r) => server.close(() => r()));
}

export interface SmtpReceiver {
  port: number;
  deliveries: Delivery[];
  up: () => boolean;
  stop: () => Promise<void>;
  start: () => Promise<void>;
}

/** An SMTP server on a fixed port; `stop` closes it (connections refused), `start` listens again on the same port. */
export async function startSmtpReceiver(port: number): Promise<SmtpReceiver> {
  const deliveries: Delivery[] = [];
  let server: SMTPServer | undefined;
  const start = async () => {
    const s = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ["STARTTLS"],
      onData(stream, _session, callback) {
        simpleParser(stream)
          .then((mail) => {
            const id = mail.headers.get("x-vigil-delivery");
            deliveries.push({ ...(typeof id === "string" ? { deliveryId: id } : {}), keys: emailKeys(mail.text ?? "") });
            callback();
          })
          .catch((err: Error) => callback(err));
      },
    });
    // A client cut off by stop() is expected here, not a failure of the suite.
    s.on("error", () => {});
    await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
    server = s;
  };
  const stop = async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((r) => s.close(() => r()));
  };
  await start();
  return { port, deliveries, up: () => server !== undefined, stop, start };
}
