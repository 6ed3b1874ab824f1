export interface ManPageOptions {
  /** The command: vigil-agent. */
  name: string;
  /** 8 for daemons, 1 for commands. */
  section: 1 | 8;
  summary: string;
  /** The program's own --help text, shown as it prints it. */
  help: string;
  version: string;
  date: Date;
  /** The package's documentation folder, named under SEE ALSO. */
  docDir: string;
}

/**
 * A short manual page made of the program's --help (which stays the one reference of its options)
 * and pointers to the full documentation, so `man vigil-agent` answers. roff: lines starting with
 * "." or "'" are protected with \&, backslashes written as \e.
 */
export function renderManPage(o: ManPageOptions): string {
  const esc = (line: string) => line.replaceAll("\\", "\\e").replace(/^([.'])/, "\\&$1");
  const date = o.date.toISOString().slice(0, 10);
  return [
    `.TH ${o.name.toUpperCase()} ${o.section} ${date} "Vigil ${o.version}" "Vigil"`,
    ".SH NAME",
    `${esc(o.name)} \\- ${esc(o.summary)}`,
    ".SH SYNOPSIS AND OPTIONS",
    ".nf",
    ...o.help.trimEnd().split("\n").map(esc),
    ".fi",
    ".SH SEE ALSO",
    `${o.docDir}/install.md, ${o.docDir}/configuration.md`,
    "",
  ].join("\n");
}
