/** What Vigil reports about the ARC; each reading is absent when arcstats lacks its row. */
export interface ArcReadings {
  sizeBytes?: number;
  targetSizeBytes?: number;
  maxSizeBytes?: number;
  hits?: number;
  misses?: number;
  /** Hits on blocks whose read was already in flight (OpenZFS 2.2+; absent before). */
  ioHits?: number;
}

/** The readings Vigil takes from arcstats (size, c, c_max, hits, misses, iohits). */
export function arcReadings(stats: ReadonlyMap<string, number>): ArcReadings {
  const readings: ArcReadings = {};
  const put = (key: keyof ArcReadings, name: string) => {
    const value = stats.get(name);
    if (value !== undefined) readings[key] = value;
  };
  put("sizeBytes", "size");
  put("targetSizeBytes", "c");
  put("maxSizeBytes", "c_max");
  put("hits", "hits");
  put("misses", "misses");
  put("ioHits", "iohits");
  return readings;
}

/**
 * Hit ratio between two readings, as arc_summary counts accesses: hits / (hits + iohits + misses).
 * Undefined, so no sample, when there were no accesses in between, when a counter is missing, or when
 * one went backwards (the module was reloaded).
 */
export function arcHitRatio(previous: ArcReadings, current: ArcReadings): number | undefined {
  if (previous.hits === undefined || current.hits === undefined || previous.misses === undefined || current.misses === undefined) {
    return undefined;
  }
  const hits = current.hits - previous.hits;
  const misses = current.misses - previous.misses;
  const ioHits = (current.ioHits ?? 0) - (previous.ioHits ?? 0);
  if (hits < 0 || misses < 0 || ioHits < 0) return undefined;
  const accesses = hits + misses + ioHits;
  return accesses > 0 ? hits / accesses : undefined;
}
