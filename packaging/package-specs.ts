import { AGENT_NODE_FLAGS } from "../agent/node-flags.ts";

export type Program = "agent" | "hub";

/** A command the package installs: a wrapper at `path` running package.json's `bin` entry `bin`. */
export interface CommandSpec {
  path: string;
  bin: "vigil-agent" | "vigil-hub" | "vigil";
  nodeFlags: readonly string[];
  what: string;
  /** Its manual page: section 8 for daemons, 1 for commands, made of its --help. */
  man: { section: 1 | 8; summary: string };
}

export interface PackageSpec {
  program: Program;
  name: string;
  summary: string;
  description: readonly string[];
  commands: readonly CommandSpec[];
  unit: string;
  /** The example config shipped as a conffile: packaging/etc/<program>.yaml -> /etc/vigil/<program>.yaml. */
  conffile: string;
}

/** Each package carries its own runtime and code here, so the two never own the same file. */
export function libDir(program: Program): string {
  return `/usr/lib/vigil/${program}`;
}

/** Where systemd units go; /lib/systemd/system is the same folder on merged-/usr systems (all of Debian 12). */
export const UNIT_DIR = "/usr/lib/systemd/system";

const RUNTIME_NOTE = "It carries its own Node.js 24 runtime and modules under /usr/lib/vigil\nand needs no nodejs package.";

export const PACKAGES: Readonly<Record<Program, PackageSpec>> = {
  agent: {
    program: "agent",
    name: "vigil-agent",
    summary: "Vigil agent: health of a self-hosted AI box, sent to the Vigil hub",
    description: [
      "vigil-agent collects a host's health (CPU, memory, filesystems, network,\n" +
        "NVIDIA GPUs through nvidia-smi, ZFS pools, containers, systemd units,\n" +
        "service probes), keeps it in a local SQLite database and sends it to a\n" +
        "Vigil hub, which keeps the history and alerts.",
      `${RUNTIME_NOTE}\nvigil-agent.service runs it as the vigil user in a hardened sandbox.`,
    ],
    commands: [
      // `vigil-agent run-if-active` (failover jobs) goes through the same wrapper, with the same flags.
      {
        path: "/usr/bin/vigil-agent",
        bin: "vigil-agent",
        nodeFlags: AGENT_NODE_FLAGS,
        what: "vigil-agent",
        man: { section: 8, summary: "collect this host's health for the Vigil hub" },
      },
    ],
    unit: "vigil-agent.service",
    conffile: "agent.yaml",
  },
  hub: {
    program: "hub",
    name: "vigil-hub",
    summary: "Vigil hub: history, alerts and API for a fleet of Vigil agents",
    description: [
      "vigil-hub receives what Vigil agents send, keeps the fleet's history in\n" +
        "SQLite, evaluates alert rules, notifies by Slack, email or webhook, and\n" +
        "answers an HTTP API and the vigil command line.",
      `${RUNTIME_NOTE}\nvigil-hub.service runs it as the vigil user in a hardened sandbox.`,
    ],
    commands: [
      {
        path: "/usr/bin/vigil-hub",
        bin: "vigil-hub",
        nodeFlags: [],
        what: "vigil-hub",
        man: { section: 8, summary: "keep the history of a fleet of Vigil agents, alert and answer its API" },
      },
      // The operator's command line, where the hub is (its admin calls work from the hub's own machine).
      {
        path: "/usr/bin/vigil",
        bin: "vigil",
        nodeFlags: [],
        what: "the vigil command line",
        man: { section: 1, summary: "the operator's command line for vigil-hub" },
      },
    ],
    unit: "vigil-hub.service",
    conffile: "hub.yaml",
  },
};
