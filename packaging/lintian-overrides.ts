/**
 * The lintian tags each package overrides, with why. docs/install.md lists the same tags (a test
 * keeps the two in step): they come from carrying Node's official binary as it is published.
 * `{lib}` is the package's folder under /usr/lib/vigil, without the leading slash.
 */
export const LINTIAN_OVERRIDES: ReadonlyArray<{
  tag: string;
  context: string;
  why: string;
  /** Used only while some bundled module has such a file. */ optional?: true;
}> = [
  {
    tag: "embedded-library zlib",
    context: "{lib}/node/bin/node",
    why: "Node links zlib (and OpenSSL, ICU, libuv) statically in its official builds; they are updated with Node, in a Vigil release",
  },
  {
    tag: "unstripped-binary-or-object",
    context: "{lib}/node/bin/node",
    why: "Node's official binary, byte for byte as published (its checksum can be checked); its symbols serve perf and diagnostic reports, and stripping saves 2 MB of the download",
  },
  {
    tag: "unstripped-binary-or-object",
    context: "{lib}/node_modules/better-sqlite3/prebuilds/*.node",
    why: "better-sqlite3's prebuilt addon as its authors publish it",
  },
  {
    tag: "hardening-no-pie",
    context: "{lib}/node/bin/node",
    why: "Node's official Linux builds are not position independent; rebuilding Node is what this packaging avoids",
  },
  {
    tag: "script-not-executable",
    context: "{lib}/node_modules/*",
    why: "files of the bundled npm modules (their examples, their tools) keep their #! line, but Node loads them as modules and none is run as a program, so nothing in node_modules is executable",
    optional: true,
  },
];

/** /usr/share/lintian/overrides/<package>. */
export function renderLintianOverrides(packageName: string, lib: string): string {
  return LINTIAN_OVERRIDES.map(
    (o) => `# ${o.why}.\n${packageName}: ${o.tag} [${o.context.replace("{lib}", lib.replace(/^\//, ""))}]\n`,
  ).join("");
}
