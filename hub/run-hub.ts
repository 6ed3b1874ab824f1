import { join } from "node:path";
import { exitOnStartupFailure, stopOnSignals } from "../shared/cli/daemon.ts";
import { parseEntryArgs } from "../shared/cli/entry-args.ts";
import { listen } from "../shared/http/serve.ts";
import { createLogger } from "../shared/log/logger.ts";
import { vigilVersion } from "../shared/runtime.ts";
import { createHubApp } from "./app.ts";
import { loadHubConfig } from "./config/load.ts";
import { HubStore } from "./store/hub-store.ts";

const USAGE = `Usage: vigil-hub [--config FILE]

Receives what Vigil agents push, keeps it in SQLite and answers the HTTP API.

Options:
  -c, --config FILE   YAML config (default: $VIGIL_HUB_CONFIG, else built-in defaults)
  -h, --help          show this help
  -V, --version       show the version

With no config the hub listens on 127.0.0.1:9470 and keeps its database in ./data/hub.sqlite.
See docs/configuration.md for every setting and environment variable.
`;

const PRUNE_EVERY_MS = 3_600_000;

/** Runs vigil-hub until SIGTERM/SIGINT. Loaded by main.ts once the Node version is known to be right. */
export async function runHub(): Promise<void> {
  try {
    await start();
  } catch (err) {
    exitOnStartupFailure("vigil-hub", "VIGIL_HUB_LISTEN", err);
  }
}

async function start(): Promise<void> {
  const args = parseEntryArgs("vigil-hub", process.argv.slice(2), USAGE);
  const { config, file } = loadHubConfig({ configFile: args.configFile, env: process.env });
  const logger = createLogger({ component: "hub", level: config.log.level });
  const version = vigilVersion();
  const dbFile = join(config.dataDir, "hub.sqlite");
  const store = new HubStore(dbFile);

  const server = await listen(createHubApp({ store, config, logger, version }), config.listen.host, config.listen.port);
  const prune = setInterval(() => {
    const removed = store.pruneReceivedBatches(Date.now() - config.dedupWindow);
    if (removed > 0) logger.debug("pruned batch ids past the dedup window", { removed });
  }, PRUNE_EVERY_MS);
  prune.unref();
  logger.info("hub listening", {
    version,
    url: server.url,
    config: file ?? "(defaults)",
    database: dbFile,
    agentAuth: config.auth.agentTokens.length > 0 ? "token" : "none (loopback only)",
  });

  stopOnSignals(logger, "hub", async () => {
    clearInterval(prune);
    await server.close();
    store.close();
  });
}
