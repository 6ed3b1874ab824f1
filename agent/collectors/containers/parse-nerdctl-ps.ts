import { z } from "zod";
import type { ListedContainer } from "./container-status.ts";
import { checkShape, parseJson } from "./json-input.ts";

/**
 * The fields read from one line of `nerdctl ps -a --format '{{json .}}'` (nerdctl's containerPrintable:
 * Command, CreatedAt, ID, Image, Platform, Names, Ports, Status, Runtime, Size, Labels). Unlike the
 * Engine API's list, Names is one string, and for Kubernetes containers it is `k8s://ns/pod/container`.
 */
const lineSchema = z.object({
  ID: z.string().min(1),
  Names: z.string().optional(),
  Image: z.string().optional(),
});

/** One JSON object per line; no line at all means no containers (nerdctl prints nothing then). */
export function parseNerdctlPs(text: string, source = "nerdctl ps"): ListedContainer[] {
  const out: ListedContainer[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${source} line ${i + 1}`;
    const entry = checkShape(lineSchema, parseJson(line, where), where);
    out.push({ id: entry.ID, name: entry.Names === "" ? undefined : entry.Names, image: entry.Image === "" ? undefined : entry.Image });
  });
  return out;
}
