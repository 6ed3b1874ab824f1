/** Characters a path or flag may hold to be pasted into the wrapper unquoted. */
const SAFE_PATH = /^\/[A-Za-z0-9/._-]+$/;
const SAFE_FLAG = /^--[a-z0-9][a-z0-9-]*(=[A-Za-z0-9._:-]+)?$/;

export interface WrapperOptions {
  /** The bundled Node binary, e.g. /usr/lib/vigil/agent/node/bin/node. */
  node: string;
  /** Node/V8 flags placed before the script (the agent's AGENT_NODE_FLAGS). */
  nodeFlags: readonly string[];
  /** The program's entry script, e.g. /usr/lib/vigil/agent/dist/agent/main.js. */
  script: string;
  /** What the wrapper runs, for its comment. */
  what: string;
}

/**
 * The /usr/bin launcher of one program: runs the packaged Node 24 with the program's flags. `exec`
 * keeps one process, so systemd's main PID is Node itself. Flags and paths are checked rather than
 * quoted: the script stays readable and nothing in it is ever expanded by the shell.
 */
export function wrapperScript(o: WrapperOptions): string {
  for (const path of [o.node, o.script]) {
    if (!SAFE_PATH.test(path)) throw new Error(`wrapper for ${o.what}: unsafe path ${JSON.stringify(path)}`);
  }
  for (const flag of o.nodeFlags) {
    if (!SAFE_FLAG.test(flag))
      throw new Error(`wrapper for ${o.what}: unexpected Node flag ${JSON.stringify(flag)} (expected --name or --name=value)`);
  }
  const command = [o.node, ...o.nodeFlags, o.script].join(" ");
  return [
    "#!/bin/sh",
    `# ${o.what}, on the Node 24 runtime this package carries. Written by packaging/build-debs.ts:`,
    "# the flags come from the source (agent/node-flags.ts for the agent), do not edit them here.",
    `exec ${command} "$@"`,
    "",
  ].join("\n");
}
