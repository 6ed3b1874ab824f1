/**
 * Unit names and the glob patterns systemctl accepts in their place. Pure helpers shared by the
 * config schema (what may be configured) and the collector (which names need expanding).
 */

/** The unit types systemd has; a listed name must end in one of them. */
const UNIT_TYPES = ["service", "socket", "target", "device", "mount", "automount", "swap", "timer", "path", "slice", "scope"];

/**
 * What may be configured: the characters of unit names (systemd escapes everything else as `\xNN`)
 * plus the glob characters `* ? [ ] !`. A leading "-" is refused: systemctl would read it as an option.
 */
export const UNIT_PATTERN = /^(?!-)[A-Za-z0-9:_.\\@*?[\]!-]{1,256}$/;

/** True when systemctl treats the argument as a glob (fnmatch) rather than a name. */
export function isGlob(pattern: string): boolean {
  return /[*?[]/.test(pattern);
}

/** True for a full unit name as systemctl prints it: `name.type`, with a known type. */
export function isUnitName(text: string): boolean {
  const dot = text.lastIndexOf(".");
  return dot > 0 && UNIT_TYPES.includes(text.slice(dot + 1)) && !/\s/.test(text);
}

/** A template (`getty@.service`) is not a unit that can have a state; its instances are. */
export function isTemplate(unit: string): boolean {
  return /@\.[a-z]+$/.test(unit);
}

/** A configured name as systemctl reads it: without a known type it means a service (`postgresql` is `postgresql.service`). */
export function withUnitType(name: string): string {
  return isUnitName(name) ? name : `${name}.service`;
}
