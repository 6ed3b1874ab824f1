#!/usr/bin/env node
// `npm run package`: builds the .deb packages (packaging/README.md). Runs as TypeScript on Node 24.
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { buildDebs, type Compression } from "./build.ts";
import type { Program } from "./package-specs.ts";
import { run } from "./run.ts";

const USAGE = `Usage: npm run package -- [--out DIR] [--compression xz|zstd|gzip|none] [--level N] [--only agent|hub] [--keep-staging]

Builds vigil-agent_<version>_<arch>.deb and vigil-hub_<version>_<arch>.deb (default into dist/packages).
Needs dpkg-deb and dpkg-shlibdeps (Debian's dpkg-dev).
`;

const COMPRESSIONS: readonly Compression[] = ["xz", "zstd", "gzip", "none"];

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: "string" },
      compression: { type: "string" },
      level: { type: "string" },
      only: { type: "string" },
      "keep-staging": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const root = resolve(dirname(import.meta.dirname));
  const compression = (values.compression ?? "xz") as Compression;
  if (!COMPRESSIONS.includes(compression))
    throw new Error(`--compression: expected one of ${COMPRESSIONS.join(", ")}, got ${values.compression}`);
  const level = values.level === undefined ? undefined : Number(values.level);
  if (level !== undefined && !(Number.isInteger(level) && level >= 0 && level <= 22))
    throw new Error(`--level: expected 0-22, got ${values.level}`);
  if (values.only !== undefined && values.only !== "agent" && values.only !== "hub")
    throw new Error(`--only: expected agent or hub, got ${values.only}`);
  const programs: Program[] | undefined = values.only === undefined ? undefined : [values.only];

  const started = performance.now();
  const built = await buildDebs({
    root,
    outDir: resolve(values.out ?? join(root, "dist", "packages")),
    compression,
    level,
    programs,
    sourceDateEpoch: await sourceDateEpoch(root),
    keepStaging: values["keep-staging"] ?? false,
    log: (line) => process.stderr.write(`${line}\n`),
  });
  for (const p of built) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    process.stdout.write(`${p.file}: ${mb(p.bytes)} MiB, ${mb(p.installedSizeKiB * 1024)} MiB installed\n`);
  }
  process.stderr.write(`built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}

/** SOURCE_DATE_EPOCH if set (reproducible builds), else the last commit's time, else now. */
async function sourceDateEpoch(root: string): Promise<number> {
  const fromEnv = process.env.SOURCE_DATE_EPOCH;
  if (fromEnv !== undefined && /^\d+$/.test(fromEnv)) return Number(fromEnv);
  try {
    const commit = Number((await run("git", ["-C", root, "log", "-1", "--format=%ct"])).trim());
    if (Number.isInteger(commit) && commit > 0) return commit;
  } catch {
    // Not a git checkout: the build's own time.
  }
  return Math.floor(Date.now() / 1000);
}

main().catch((err: unknown) => {
  process.stderr.write(`package: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
