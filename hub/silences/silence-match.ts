import type { AlertEvent } from "../../shared/protocol/alert.ts";
import { compileLabelMatchers } from "../rules/label-matchers.ts";
import type { SilenceMatchers } from "./silences-api.ts";

/** The part of an alert a silence looks at, plus the labels of its host. */
export type MutableAlert = Pick<AlertEvent, "rule" | "hostId" | "labels">;

/** A silence's matchers as one predicate: every given criterion must match. */
export function compileSilenceMatchers(m: SilenceMatchers): (alert: MutableAlert, hostLabels: Readonly<Record<string, string>>) => boolean {
  const hosts = m.hosts === undefined ? undefined : new Set(m.hosts);
  const rules = m.rules === undefined ? undefined : new Set(m.rules);
  const labels = compileLabelMatchers(m.labels);
  const hostLabels = compileLabelMatchers(m.hostLabels);
  return (alert, hl) =>
    (hosts === undefined || (alert.hostId !== null && hosts.has(alert.hostId))) &&
    (rules === undefined || rules.has(alert.rule)) &&
    labels(alert.labels) &&
    hostLabels(hl);
}
