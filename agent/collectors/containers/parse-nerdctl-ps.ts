import { asObject, optStr, str } from "../json-fields.ts";
import type { ListedContainer } from "./container-status.ts";
import { parseJson, readShape } from "./json-input.ts";

/**
 * One JSON object per line of `nerdctl ps -a --format '{{json .}}'` (nerdctl's containerPrintable:
 * Command, CreatedAt, ID, Image, Platform, Names, Ports, Status, Runtime, Size, Labels), of which ID,
 * Names and Image are read. Unlike the Engine API's list, Names is one string, and for Kubernetes
 * containers it is `k8s://ns/pod/container`. No line at all means no containers (nerdctl prints nothing then).
 */
export function parseNerdctlPs(text: string, source = "nerdctl ps"): ListedContainer[] {
  const out: ListedContainer[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const where = `${source} line ${i + 1}`;
    out.push(
      readShape(parseJson(line, where), where, (value) => {
        const entry = asObject(value);
        const [name, image] = [optStr(entry, "Names"), optStr(entry, "Image")];
        return { id: str(entry, "ID", { min: 1 }), name: name === "" ? undefined : name, image: image === "" ? undefined : image };
      }),
    );
  });
  return out;
}
