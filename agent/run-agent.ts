import { join } from "node:path";
import { exitOnStartupFailure, stopOnSignals } from "../shared/cli/daemon.ts";
import { parseEntryArgs } from "../shared/cli/entry-args.ts";
import { listen } from "../shared/http/serve.ts";
import { createLogger } from "../shared/log/logger.ts";
import { vigilVersion } from "../shared/runtime.ts";
import { createCollectors } from "./collectors/registry.ts";
import { CollectorScheduler } from "./collectors/scheduler.ts";
import { loadAgentConfig } from "./config/load.ts";
import { resolveIdentity } from "./identity.ts";
import { createAgentApp } from "./server.ts";
import { AgentStore } from "./store/agent-store.ts";
import { Pusher } from "./transport/pusher.ts";

const USAGE = `Usage: vigil-agent [--config FILE]

Collects this host's health, keeps it in a local SQLite database and pushes it to the Vigil hub.

Options:
  -c, --config FILE   YAML config (default: $VIGIL_AGENT_CONFIG, else built-in defaults)
  -h, --help          show this help
  -V, --version       show the version

With no config the agent collects system metrics every 10s and pushes them to http://127.0.0.1:9470.
See docs/configuration.md for every setting and environment variable.
`;

/** Runs vigil-agent until SIGTERM/SIGINT. Loaded by main.ts once the Node version is known to be right. */
export async function runAgent(): Promise<void> {
  try {
    await start();
  } catch (err) {
    exitOnStartupFailure("vigil-agent", "VIGIL_AGENT_LISTEN", err);
  }
}

async function start(): Promise<void> {
  const args = parseEntryArgs("vigil-agent", process.argv.slice(2), USAGE);
  const { config, file } = loadAgentConfig({ configFile: args.configFile, env: process.env });
  const log = createLogger({ component: "agent", level: config.log.level });
  const version = vigilVersion();

  const store = new AgentStore(join(config.dataDir, "agent.sqlite"));
  const host = resolveIdentity(store, { configuredId: config.agent.id, labels: config.agent.labels, version });
  const logger = log.child({ agentId: host.agentId });

  const scheduler = new CollectorScheduler({
    collectors: createCollectors(config),
    sink: (obs, at) => store.recordObservations(obs, at),
    logger,
  });
  const pusher = new Pusher({
    store,
    host,
    target: { url: config.hub.url, token: config.hub.token, timeoutMs: config.hub.timeout },
    pushIntervalMs: config.hub.pushInterval,
    backoff: { initialMs: config.hub.retryInitial, maxMs: config.hub.retryMax },
    logger,
  });
  const server = await listen(
    createAgentApp({ store, scheduler, pusher, agentId: host.agentId, version }),
    config.listen.host,
    config.listen.port,
  );
  scheduler.start();
  pusher.start();
  logger.info("agent started", {
    version,
    config: file ?? "(defaults)",
    listen: server.url,
    hub: config.hub.url,
    pushIntervalMs: config.hub.pushInterval,
    database: join(config.dataDir, "agent.sqlite"),
  });

  stopOnSignals(logger, "agent", async () => {
    await scheduler.stop();
    await pusher.stop();
    // Whatever was collected but not pushed is sealed now and sent after the next start.
    store.sealBatch(host, config.hub.pushInterval, Date.now());
    await server.close();
    store.close();
  });
}
