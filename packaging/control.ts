export interface ControlFields {
  package: string;
  version: string;
  architecture: string;
  maintainer: string;
  installedSizeKiB: number;
  depends: readonly string[];
  section: string;
  priority: string;
  homepage?: string;
  /** One line, at most 80 characters (Debian policy 3.4.1). */
  summary: string;
  /** Paragraphs of the long description; each is wrapped as it is written. */
  description: readonly string[];
}

/** DEBIAN/control of a binary package (Debian policy 5.3). */
export function renderControl(c: ControlFields): string {
  if (c.summary.length > 80 || c.summary.includes("\n")) {
    throw new Error(`${c.package}: the summary must be one line of at most 80 characters, got ${c.summary.length}`);
  }
  if (!Number.isInteger(c.installedSizeKiB) || c.installedSizeKiB <= 0) {
    throw new Error(`${c.package}: Installed-Size must be a positive number of KiB, got ${c.installedSizeKiB}`);
  }
  const fields: [string, string | undefined][] = [
    ["Package", c.package],
    ["Version", c.version],
    ["Architecture", c.architecture],
    ["Maintainer", c.maintainer],
    ["Installed-Size", String(c.installedSizeKiB)],
    ["Depends", c.depends.length > 0 ? c.depends.join(", ") : undefined],
    ["Section", c.section],
    ["Priority", c.priority],
    ["Homepage", c.homepage],
  ];
  const long = c.description.flatMap((p) => p.split("\n")).find((line) => line.length > 79);
  if (long !== undefined) throw new Error(`${c.package}: description lines must stay under 80 characters: ${JSON.stringify(long)}`);
  const body = c.description.map((paragraph) =>
    paragraph
      .split("\n")
      .map((line) => (line.trim() === "" ? " ." : ` ${line}`))
      .join("\n"),
  );
  const lines = fields.filter((f): f is [string, string] => f[1] !== undefined).map(([k, v]) => `${k}: ${v}`);
  return `${lines.join("\n")}\nDescription: ${c.summary}\n${body.join("\n .\n")}\n`;
}

/** DEBIAN/conffiles: every file the package installs under /etc, which dpkg then never overwrites once edited. */
export function renderConffiles(installedPaths: readonly string[]): string {
  const etc = installedPaths.filter((p) => p.startsWith("/etc/")).sort();
  return etc.length === 0 ? "" : `${etc.join("\n")}\n`;
}

/** DEBIAN/md5sums: `<md5>  <path without leading slash>`, conffiles left out (dpkg tracks those itself). */
export function renderMd5sums(files: ReadonlyArray<{ path: string; md5: string }>, conffiles: readonly string[]): string {
  const skip = new Set(conffiles);
  return files
    .filter((f) => !skip.has(f.path))
    .map((f) => `${f.md5}  ${f.path.replace(/^\//, "")}`)
    .sort((a, b) => a.slice(34).localeCompare(b.slice(34)))
    .map((line) => `${line}\n`)
    .join("");
}

/** The Debian changelog of a native package built from this tree: one entry for this version. */
export function renderChangelog(o: { package: string; version: string; maintainer: string; date: Date }): string {
  return [
    `${o.package} (${o.version}) unstable; urgency=medium`,
    "",
    `  * Vigil ${o.version}, built from the project's sources with packaging/build-debs.ts.`,
    "    The project's history lists the changes.",
    "",
    ` -- ${o.maintainer}  ${rfc2822(o.date)}`,
    "",
  ].join("\n");
}

const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `Mon, 24 Nov 2025 10:00:00 +0000`, the date format of a changelog trailer. */
function rfc2822(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${pad(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000`;
}
