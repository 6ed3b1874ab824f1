import { createHash } from "node:crypto";
import { canonicalLabels } from "../../shared/labels.ts";

/**
 * The identity of an alert: its rule, its host and the labels that identify the series (or state).
 * 16 hex digits of SHA-256, like Alertmanager's fingerprints: short enough to type in a silence,
 * and a collision among one hub's alerts is not a practical concern.
 */
export function alertFingerprint(rule: string, hostId: string | null, labels: Readonly<Record<string, string>>): string {
  return createHash("sha256")
    .update(`${rule}\u0000${hostId ?? ""}\u0000${canonicalLabels(labels)}`)
    .digest("hex")
    .slice(0, 16);
}
