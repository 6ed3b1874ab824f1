/**
 * The durable journal of one worker process: a line per batch generated (before its first send) and a
 * line per batch acknowledged. It plays the part of the real agent's SQLite outbox: a worker killed with
 * kill -9 reads it at restart and resends every batch generated and not acknowledged, and the soak's
 * sent/lost accounting is made from it, not from memory that died with the process.
 *
 * A plain append-only text file rather than SQLite: one short write per event, readable after a kill at
 * any byte (a torn last line is ignored), and kill -9 loses nothing written to the page cache.
 *
 *   G <agent> <sequence> <sealedAt> <samples>
 *   A <agent> <sequence> <duplicate 0|1> <latencyMs>
 */

export interface JournalBatch {
  agent: number;
  sequence: number;
  sealedAt: number;
  samples: number;
}

export interface AgentJournal {
  /** Generated batches by sequence. */
  generated: Map<number, JournalBatch>;
  acked: Set<number>;
}

export interface Journal {
  agents: Map<number, AgentJournal>;
  duplicateAcks: number;
  /** Push latencies (request to acknowledgement) in ms, of successful pushes. */
  latenciesMs: number[];
}

export function generatedLine(b: JournalBatch): string {
  return `G ${b.agent} ${b.sequence} ${b.sealedAt} ${b.samples}\n`;
}

export function ackedLine(agent: number, sequence: number, duplicate: boolean, latencyMs: number): string {
  return `A ${agent} ${sequence} ${duplicate ? 1 : 0} ${Math.round(latencyMs * 10) / 10}\n`;
}

function agentOf(j: Journal, agent: number): AgentJournal {
  let a = j.agents.get(agent);
  if (!a) {
    a = { generated: new Map(), acked: new Set() };
    j.agents.set(agent, a);
  }
  return a;
}

/** Reads journal text (one or more workers' files concatenated). Lines that are not complete are skipped. */
export function parseJournal(text: string, into: Journal = { agents: new Map(), duplicateAcks: 0, latenciesMs: [] }): Journal {
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f[0] === "G" && f.length === 5) {
      const [agent, sequence, sealedAt, samples] = f.slice(1).map(Number) as [number, number, number, number];
      if ([agent, sequence, sealedAt, samples].some((x) => !Number.isFinite(x))) continue;
      agentOf(into, agent).generated.set(sequence, { agent, sequence, sealedAt, samples });
    } else if (f[0] === "A" && f.length === 5) {
      const [agent, sequence, duplicate, latency] = f.slice(1).map(Number) as [number, number, number, number];
      if ([agent, sequence, duplicate, latency].some((x) => !Number.isFinite(x))) continue;
      agentOf(into, agent).acked.add(sequence);
      if (duplicate === 1) into.duplicateAcks++;
      into.latenciesMs.push(latency);
    }
  }
  return into;
}

/** Batches generated and not yet acknowledged, oldest first: what a restarted worker must resend. */
export function unacknowledged(a: AgentJournal): JournalBatch[] {
  return [...a.generated.values()].filter((b) => !a.acked.has(b.sequence)).sort((x, y) => x.sequence - y.sequence);
}

/** The highest sequence an agent has used (0 before its first batch). */
export function lastSequence(a: AgentJournal | undefined): number {
  let max = 0;
  for (const s of a?.generated.keys() ?? []) if (s > max) max = s;
  return max;
}
