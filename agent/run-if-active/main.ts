import { join } from "node:path";
import { ConfigError } from "../../shared/config/config-error.ts";
import { createLogger } from "../../shared/log/logger.ts";
import { tokenAtStart } from "../auth/agent-token.ts";
import { loadAgentConfig } from "../config/load.ts";
import { resolveAgentId } from "./agent-id.ts";
import { parseRunIfActiveArgs, RUN_IF_ACTIVE_USAGE } from "./args.ts";
import { askHub } from "./ask-hub.ts";
import { decideRun } from "./decide.ts";
import { RUN_EXIT } from "./exit-codes.ts";
import { leaseMemoryFile, readLeaseMemory, writeLeaseMemory } from "./lease-memory-file.ts";
import { spawnCommand } from "./spawn-command.ts";

/**
 * `vigil-agent run-if-active <group> -- <command...>`: asks the hub whether this host is the group's
 * active member and runs the command only then (docs/failover.md). Returns the exit status. Loads
 * the agent's config and nothing of its daemon. Logs JSON lines on stderr (stdout is the command's).
 */
export async function runIfActive(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  io: { out(text: string): void; err(text: string): void } = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
  },
): Promise<number> {
  const parsed = parseRunIfActiveArgs(argv);
  if (parsed.kind === "help") {
    io.out(RUN_IF_ACTIVE_USAGE);
    return RUN_EXIT.ok;
  }
  if (parsed.kind === "usage") {
    io.err(`vigil-agent run-if-active: ${parsed.message}\nRun 'vigil-agent run-if-active --help' for usage.\n`);
    return RUN_EXIT.usage;
  }
  const args = parsed.args;
  let loaded: ReturnType<typeof loadAgentConfig>;
  try {
    loaded = loadAgentConfig({ configFile: args.configFile, env });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`vigil-agent run-if-active: ${err.message}\n`);
    return RUN_EXIT.config;
  }
  const { config } = loaded;
  const base = createLogger({ component: "run-if-active", level: config.log.level, write: io.err });
  let token: ReturnType<typeof tokenAtStart>;
  try {
    token = tokenAtStart({ configured: config.hub.token, tokenFile: join(config.dataDir, "agent.token"), logger: base });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.err(`vigil-agent run-if-active: ${err.message}\n`);
    return RUN_EXIT.config;
  }
  const agent = await resolveAgentId(config.agent.id, config.dataDir);
  const log = base.child({ group: args.group, agentId: agent.id });
  const memoryFile = leaseMemoryFile(config.dataDir, args.group, args.member);
  const outcome = await askHub({
    hubUrl: config.hub.url,
    token,
    agentId: agent.id,
    group: args.group,
    member: args.member,
    timeoutMs: args.timeoutMs ?? config.hub.timeout,
  });
  const { decision, memory } = decideRun(outcome, readLeaseMemory(memoryFile), Date.now());
  if (memory !== undefined) {
    try {
      writeLeaseMemory(memoryFile, memory);
    } catch (err) {
      log.warn("cannot keep the hub's answer for when it is unreachable", { file: memoryFile, err });
    }
  }
  if (!decision.run) {
    log[decision.level](decision.message, { exitCode: decision.exitCode, agentIdFrom: agent.from });
    return decision.exitCode;
  }
  log[decision.level](decision.message, {
    member: decision.member,
    epoch: decision.epoch,
    confirmed: decision.confirmed,
    command: args.command[0],
  });
  const started = performance.now();
  const result = await spawnCommand(args.command, {
    ...env,
    VIGIL_FAILOVER_GROUP: args.group,
    VIGIL_FAILOVER_MEMBER: decision.member,
    VIGIL_FAILOVER_EPOCH: String(decision.epoch),
    VIGIL_FAILOVER_CONFIRMED: decision.confirmed ? "1" : "0",
  });
  const durationMs = Math.round(performance.now() - started);
  if (result.kind === "not-started") {
    log.error(result.reason, { exitCode: result.exitCode });
    return result.exitCode;
  }
  const level = result.exitCode === 0 ? "info" : "warn";
  log[level]("command finished", { exitCode: result.exitCode, signal: result.signal, durationMs, epoch: decision.epoch });
  return result.exitCode;
}
