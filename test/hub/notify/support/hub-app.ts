import { join } from "node:path";
import { createHubApp } from "../../../../hub/app.ts";
import { NotifyService } from "../../../../hub/notify/notify-service.ts";
import { HubStore } from "../../../../hub/store/hub-store.ts";
import { createLogger } from "../../../../shared/log/logger.ts";
import { hubConfigFile } from "./config.ts";

/** The hub's app in process with a config file written from `content`; requests come from `peer` (loopback by default). */
export function hubApp(dir: string, content: Record<string, unknown>, env: Record<string, string> = {}) {
  const { config, file } = hubConfigFile(dir, content, env);
  const store = new HubStore(join(dir, "hub.sqlite"));
  const lines: string[] = [];
  const logger = createLogger({ component: "hub", level: "debug", write: (l) => lines.push(l) });
  const notify = new NotifyService({ db: store.db, config, configSource: file, logger });
  const app = createHubApp({ store, config, logger, version: "test", notify });
  const request = (path: string, init: RequestInit = {}, peer = "127.0.0.1") =>
    app.request(path, init, { incoming: { socket: { remoteAddress: peer } } });
  const postJson = (path: string, body: unknown, headers: Record<string, string> = {}, peer?: string) =>
    request(
      path,
      {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: typeof body === "string" ? body : JSON.stringify(body),
      },
      peer,
    );
  return { app, store, notify, lines, request, postJson, close: () => store.close() };
}
