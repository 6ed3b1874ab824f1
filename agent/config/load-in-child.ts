import { fileURLToPath } from "node:url";
import { ConfigError } from "../../shared/config/config-error.ts";
import { runCommand } from "../../shared/process/run-command.ts";
import { AGENT_NODE_FLAGS } from "../node-flags.ts";
import type { ChildAnswer } from "./config-child.ts";
import { fromTransferable } from "./transferable.ts";
import type { AgentConfig } from "./types.ts";

/** Far beyond the ~0.1-0.5 s it takes on a loaded 2-vCPU VM: only a hung child reaches it. */
const CHILD_TIMEOUT_MS = 60_000;

/**
 * Loads the agent config as loadAgentConfig does, but in a short-lived child process (Node with the
 * agent's flags, config-child.ts), so that zod, yaml and the config schemas (~9 MB of RSS) never enter
 * the daemon, which lives for months with a 60 MB target (docs/benchmarks.md). The schemas stay the one
 * definition of the config; a bad config is the same ConfigError with the same message.
 * Why not a worker thread: measured on Node 24 in lite mode, a terminated worker leaves its memory
 * behind (RSS 63.8 MB after loading the config in a worker and terminating it, 55 MB when loading it
 * in the main thread: the worker's malloc arena and the code pages its bootstrap touched stay); an
 * exited process gives everything back.
 * The environment goes to the child as its environment, never on its command line, where secrets
 * (VIGIL_AGENT_TOKEN) would be visible to every user in /proc.
 */
export async function loadAgentConfigInChild(opts: {
  configFile: string | undefined;
  env: Readonly<Record<string, string | undefined>>;
}): Promise<{ config: AgentConfig; file: string | undefined }> {
  // Under the sources (tests, `node agent/main.ts`) the child is the .ts file; in dist/ the .js.
  const ext = import.meta.url.endsWith(".ts") ? "ts" : "js";
  const script = fileURLToPath(new URL(`./config-child.${ext}`, import.meta.url));
  // Node strips TypeScript types with WebAssembly, which lite mode disables: the sources' child runs
  // without the agent's flags (it lives for a fraction of a second either way).
  const flags = ext === "js" ? AGENT_NODE_FLAGS : [];
  const out = await runCommand(process.execPath, [...flags, script, ...(opts.configFile !== undefined ? [opts.configFile] : [])], {
    timeoutMs: CHILD_TIMEOUT_MS,
    env: { ...opts.env },
  });
  let answer: ChildAnswer;
  try {
    answer = JSON.parse(out.stdout) as ChildAnswer;
  } catch {
    throw new Error(`the config loader printed no answer: ${(out.stderr || out.stdout).slice(0, 500)}`);
  }
  if (answer.ok) return { config: fromTransferable(answer.config) as AgentConfig, file: answer.file };
  if ("configError" in answer) throw new ConfigError(answer.configError.source, answer.configError.issues);
  throw Object.assign(new Error(answer.error.message), { stack: answer.error.stack });
}
