/**
 * A client of the hub's failover proxy, asking every 250 ms who serves it (X-Vigil-Failover-Member),
 * so the soak sees each switch as a client does, and how long after the primary was killed (or revived)
 * the answer changed.
 */

export interface ServedChange {
  atMs: number;
  member: string;
}

export class FailoverProbe {
  readonly changes: ServedChange[] = [];
  readonly #url: string;
  #last: string | undefined;
  #running = false;
  #loop: Promise<void> = Promise.resolve();

  constructor(hubUrl: string, group: string) {
    this.#url = `${hubUrl}/proxy/${group}/api/generate`;
  }

  start(): void {
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        const member = await this.#servedBy();
        if (member !== null && member !== this.#last) {
          this.changes.push({ atMs: Date.now(), member });
          this.#last = member;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
  }

  async stop(): Promise<void> {
    this.#running = false;
    await this.#loop;
  }

  async #servedBy(): Promise<string | null> {
    try {
      const res = await fetch(this.#url, {
        method: "POST",
        body: '{"model":"llama3.2:1b","prompt":"hi","stream":false}',
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      return res.status === 200 ? res.headers.get("x-vigil-failover-member") : null;
    } catch {
      return null;
    }
  }
}

/**
 * Switches a client saw (changes of the serving member after the first answer) and, for each planned
 * event (the primary killed, revived), the time until the member it implies first served.
 */
export function switchTimes(
  changes: readonly ServedChange[],
  events: ReadonlyArray<{ atMs: number; expect: string }>,
): { switches: number; timesMs: Array<number | null> } {
  const timesMs = events.map((e) => {
    const served = changes.find((c) => c.atMs >= e.atMs && c.member === e.expect);
    return served ? served.atMs - e.atMs : null;
  });
  return { switches: Math.max(0, changes.length - 1), timesMs };
}
