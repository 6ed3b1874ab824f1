import { createHash } from "node:crypto";
import { chmodSync, copyFileSync, cpSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import { renderChangelog, renderConffiles, renderControl, renderMd5sums } from "./control.ts";
import { renderCopyright } from "./copyright.ts";
import { renderLintianOverrides } from "./lintian-overrides.ts";
import { renderManPage } from "./man-page.ts";
import { type BundledPackage, copyClosure } from "./node-modules.ts";
import { libDir, type PackageSpec, UNIT_DIR } from "./package-specs.ts";
import { sysusersConf, tmpfilesConf } from "./system-files.ts";
import { run } from "./run.ts";
import { fillTemplate } from "./templates.ts";
import { wrapperScript } from "./wrappers.ts";

/** What every package of one build shares. */
export interface BuildInputs {
  root: string;
  /** tsc's output for this build (agent/, hub/, shared/ inside). */
  compiledDir: string;
  version: string;
  debVersion: string;
  arch: string;
  /** Platform of the prebuilt addons kept: linux-x64. */
  addonTarget: string;
  license: string;
  bin: Readonly<Record<string, string>>;
  maintainer: string;
  nodeDir: string;
  nodeVersion: string;
  closure: readonly BundledPackage[];
  /** Shared library dependencies of the Node binary and the addons (dpkg-shlibdeps). */
  shlibDepends: readonly string[];
  date: Date;
}

/** Source folders whose compiled code ships; scripts/ and bench/ are development tools. */
const CODE_DIRS = ["agent", "hub", "shared"];

/** Writes the complete tree of one package (DEBIAN/ included) into `stage`; returns its Installed-Size. */
export async function stagePackage(spec: PackageSpec, inputs: BuildInputs, stage: string): Promise<number> {
  const lib = join(stage, libDir(spec.program));
  const put = (path: string, content: string | Buffer, mode = 0o644) => {
    const file = join(stage, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, content);
    chmodSync(file, mode);
  };

  for (const dir of CODE_DIRS) {
    cpSync(join(inputs.compiledDir, dir), join(lib, "dist", dir), { recursive: true, filter: (f) => !f.endsWith(".map") });
    // Files beside the sources that are not TypeScript (assets a program reads at run time) ship as they are.
    cpSync(join(inputs.root, dir), join(lib, "dist", dir), {
      recursive: true,
      filter: (f) => (lstatSync(f).isDirectory() ? basename(f) !== "testdata" : !/\.(ts|md)$/.test(f)),
    });
  }
  // vigilVersion() reads the version here, and "type" makes Node load dist/ as ES modules.
  const manifest = { name: "vigil", version: inputs.version, private: true, type: "module", license: inputs.license };
  put(`${libDir(spec.program)}/package.json`, `${JSON.stringify(manifest, null, 2)}\n`);
  copyClosure(inputs.root, inputs.closure, lib, inputs.addonTarget);
  mkdirSync(join(lib, "node", "bin"), { recursive: true });
  copyFileSync(join(inputs.nodeDir, "bin", "node"), join(lib, "node", "bin", "node"));
  copyFileSync(join(inputs.nodeDir, "LICENSE"), join(lib, "node", "LICENSE"));

  for (const command of spec.commands) {
    const script = inputs.bin[command.bin];
    if (script === undefined || !script.startsWith("dist/")) {
      throw new Error(`package.json bin: no "${command.bin}" entry under dist/ (got ${JSON.stringify(script)})`);
    }
    const wrapper = wrapperScript({
      node: `${libDir(spec.program)}/node/bin/node`,
      nodeFlags: command.nodeFlags,
      script: `${libDir(spec.program)}/${script}`,
      what: command.what,
    });
    put(command.path, wrapper, 0o755);
  }
  for (const script of Object.values(inputs.bin)) dropShebang(join(lib, script));

  put(`${UNIT_DIR}/${spec.unit}`, readFileSync(join(inputs.root, "systemd", spec.unit)));
  put(`/usr/lib/sysusers.d/${spec.name}.conf`, sysusersConf());
  put(`/usr/lib/tmpfiles.d/${spec.name}.conf`, tmpfilesConf(spec.program));
  put(`/etc/vigil/${spec.conffile}`, readFileSync(join(inputs.root, "packaging", "etc", spec.conffile)));

  const doc = `/usr/share/doc/${spec.name}`;
  put(
    `${doc}/copyright`,
    renderCopyright({
      license: inputs.license,
      libDir: libDir(spec.program),
      nodeVersion: inputs.nodeVersion,
      bundled: inputs.closure,
      year: inputs.date.getUTCFullYear(),
    }),
  );
  const changelog = renderChangelog({ package: spec.name, version: inputs.debVersion, maintainer: inputs.maintainer, date: inputs.date });
  put(`${doc}/changelog.gz`, gzipSync(changelog, { level: 9 }));
  for (const file of readdirSync(join(inputs.root, "docs")).filter((f) => f.endsWith(".md"))) {
    put(`${doc}/${file}`, readFileSync(join(inputs.root, "docs", file)));
  }
  cpSync(join(inputs.root, "systemd", "examples"), join(stage, doc, "examples", "systemd"), { recursive: true });
  put(`/usr/share/lintian/overrides/${spec.name}`, renderLintianOverrides(spec.name, libDir(spec.program)));
  // Each command's manual page is its own --help, asked of the staged program: a first check that it starts.
  const node = join(lib, "node", "bin", "node");
  for (const command of spec.commands) {
    const help = await run(node, [...command.nodeFlags, join(lib, inputs.bin[command.bin] ?? ""), "--help"], { timeoutMs: 60_000 });
    const name = basename(command.path);
    const { section, summary } = command.man;
    const page = renderManPage({ name, section, summary, help, version: inputs.version, date: inputs.date, docDir: doc });
    put(`/usr/share/man/man${section}/${name}.${section}.gz`, gzipSync(page, { level: 9 }));
  }

  normaliseModes(stage);
  const files = listFiles(stage);
  const installedSizeKiB = files.reduce((kib, f) => kib + Math.ceil(f.size / 1024), 0) + countDirs(stage);

  const debian = (name: string, content: string, mode = 0o644) => put(`/DEBIAN/${name}`, content, mode);
  const conffiles = files.map((f) => f.path).filter((p) => p.startsWith("/etc/"));
  debian(
    "control",
    renderControl({
      package: spec.name,
      version: inputs.debVersion,
      architecture: inputs.arch,
      maintainer: inputs.maintainer,
      installedSizeKiB,
      depends: [...inputs.shlibDepends, "systemd | systemd-sysusers", "systemd | systemd-tmpfiles"],
      section: "admin",
      priority: "optional",
      summary: spec.summary,
      description: [...spec.description, `Bundled runtime: Node.js ${inputs.nodeVersion}.`],
    }),
  );
  debian("conffiles", renderConffiles(conffiles));
  debian(
    "md5sums",
    renderMd5sums(
      files.map((f) => ({ path: f.path, md5: md5(join(stage, f.path)) })),
      conffiles,
    ),
  );
  const values = {
    PACKAGE: spec.name,
    PROGRAM: spec.program,
    UNIT: spec.unit,
  };
  for (const script of ["postinst", "prerm", "postrm"]) {
    const template = readFileSync(join(inputs.root, "packaging", "debian", `${script}.in`), "utf8");
    debian(script, fillTemplate(template, values, `packaging/debian/${script}.in`), 0o755);
  }
  return installedSizeKiB;
}

/**
 * 0755 for folders and executables, 0644 for the rest, whatever the checkout's umask made them.
 * Nothing in node_modules is run as a program (Node loads it, the addon included), so it is all 0644.
 */
function normaliseModes(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      chmodSync(path, 0o755);
      normaliseModes(path);
    } else if (entry.isFile()) {
      const executable = (lstatSync(path).mode & 0o111) !== 0 && !path.includes("/node_modules/");
      chmodSync(path, executable ? 0o755 : 0o644);
    }
  }
}

/** Regular files under `root`, as installed paths (/usr/...), DEBIAN/ left out. */
function listFiles(root: string, dir = root, out: { path: string; size: number }[] = []): { path: string; size: number }[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const installed = path.slice(root.length);
    if (installed === "/DEBIAN") continue;
    if (entry.isDirectory()) listFiles(root, path, out);
    else if (entry.isFile()) out.push({ path: installed, size: lstatSync(path).size });
  }
  return out;
}

function countDirs(dir: string): number {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name !== "DEBIAN")
    .reduce((n, e) => n + 1 + countDirs(join(dir, e.name)), 0);
}

/**
 * The entry scripts start with `#!/usr/bin/env node`, which in the package would name a Node that
 * is not there: they are run through the /usr/bin wrappers, so the line becomes a comment (the
 * line count, and so every stack trace's line numbers, stay the same).
 */
function dropShebang(file: string): void {
  const text = readFileSync(file, "utf8");
  if (text.startsWith("#!")) writeFileSync(file, `//${text.slice(2)}`);
}

function md5(file: string): string {
  return createHash("md5").update(readFileSync(file)).digest("hex");
}
