import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import type { Hono } from "hono";

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/** How long close() lets requests in flight finish before it ends their connections. */
const CLOSE_GRACE_MS = 3_000;

/** Starts a Hono app on host:port and resolves once it listens (or rejects, e.g. EADDRINUSE). */
export function listen(app: Hono, host: string, port: number): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info: AddressInfo) => {
      server.off("error", reject);
      const shownHost = info.family === "IPv6" ? `[${info.address}]` : info.address;
      resolve({
        url: `http://${shownHost}:${info.port}`,
        close: () =>
          new Promise<void>((done) => {
            const s = server as { closeIdleConnections?: () => void; closeAllConnections?: () => void };
            // A client that keeps sending on its keep-alive connection (a poll loop, a retrying agent) would
            // hold close() open for ever: after the grace, its connection is ended too.
            const force = setTimeout(() => s.closeAllConnections?.(), CLOSE_GRACE_MS);
            force.unref();
            server.close(() => {
              clearTimeout(force);
              done();
            });
            // Keep-alive connections would hold close() open; end idle ones now.
            s.closeIdleConnections?.();
          }),
      });
    });
    server.once("error", reject);
  });
}
