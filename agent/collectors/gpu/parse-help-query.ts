import { NvidiaSmiOutputError } from "./smi-values.ts";

/** A line naming one field and its aliases: `"clocks.current.sm" or "clocks.sm"`. */
const NAMES_LINE = /^"[^"\s]+"(?: or "[^"\s]+")*$/;

/**
 * The field names (aliases included) that `nvidia-smi --help-query-gpu` lists. The help is prose for
 * people; a name line is a line made only of quoted names joined by " or ", which no description line
 * is (descriptions that quote values, like `"0: Default" means ...`, carry other words too).
 */
export function parseHelpQueryGpu(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!NAMES_LINE.test(trimmed)) continue;
    for (const m of trimmed.matchAll(/"([^"]+)"/g)) names.add(m[1] as string);
  }
  if (names.size === 0) {
    const first = text.trim().split("\n", 1)[0]?.slice(0, 120) ?? "";
    throw new NvidiaSmiOutputError(`nvidia-smi --help-query-gpu: no field names found (output starts ${JSON.stringify(first)})`);
  }
  return names;
}
