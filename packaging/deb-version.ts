const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/;

/**
 * The Debian version of package.json's version. These are native packages (no Debian revision), so the
 * version may hold no "-"; a prerelease gets "~", which Debian sorts before the release
 * (0.2.0~rc.1 < 0.2.0) as npm does, where "-" or "." would sort after it.
 */
export function debianVersion(npmVersion: string): string {
  const m = SEMVER.exec(npmVersion);
  if (!m)
    throw new Error(`package.json version: expected a semantic version such as 0.1.0 or 0.2.0-rc.1, got ${JSON.stringify(npmVersion)}`);
  const [, major, minor, patch, pre, build] = m;
  let version = `${major}.${minor}.${patch}`;
  if (pre !== undefined) version += `~${pre.replaceAll("-", ".")}`;
  if (build !== undefined) version += `+${build.replaceAll("-", ".")}`;
  return version;
}

const DEBIAN_ARCH: Readonly<Record<string, string>> = { x64: "amd64", arm64: "arm64" };

/** Debian's name for a Node architecture (`x64` -> `amd64`), the architecture of the Node binary the package carries. */
export function debianArch(nodeArch: string): string {
  const arch = DEBIAN_ARCH[nodeArch];
  if (arch === undefined)
    throw new Error(`no Debian architecture for Node's "${nodeArch}" (known: ${Object.keys(DEBIAN_ARCH).join(", ")})`);
  return arch;
}
