import { vigilVersion } from "../runtime.ts";

export interface EntryArgs {
  configFile: string | undefined;
  positionals: string[];
}

/**
 * Common arguments of the long-running programs (vigil-agent, vigil-hub): --config, --help, --version.
 * Prints help or version and exits, or exits 2 with a one-line reason on a usage error.
 */
export function parseEntryArgs(program: string, argv: string[], usage: string): EntryArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    process.stderr.write(`${program}: ${(err as Error).message}\nRun '${program} --help' for usage.\n`);
    process.exit(2);
  }
  if (parsed.values.help) {
    process.stdout.write(usage);
    process.exit(0);
  }
  if (parsed.values.version) {
    process.stdout.write(`${program} ${vigilVersion()}\n`);
    process.exit(0);
  }
  return { configFile: parsed.values.config, positionals: parsed.positionals };
}

function parse(argv: string[]) {
  // getBuiltinModule rather than an ES-module import of node:util: the agent runs this at every start,
  // and the ESM import materialises all of node:util's exports (docs/benchmarks.md).
  return process.getBuiltinModule("node:util").parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      config: { type: "string", short: "c" },
      help: { type: "boolean", short: "h" },
      version: { type: "boolean", short: "V" },
    },
  });
}
