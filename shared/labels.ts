/** Label sets in a canonical text form (keys sorted), so equal sets always compare and index equal. */
export function canonicalLabels(labels: Readonly<Record<string, string>>): string {
  const keys = Object.keys(labels);
  if (keys.length === 0) return "{}";
  keys.sort();
  const out: Record<string, string> = {};
  for (const k of keys) out[k] = labels[k] as string;
  return JSON.stringify(out);
}
