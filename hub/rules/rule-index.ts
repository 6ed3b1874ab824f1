import type { CompiledRule } from "./compiled-rule.ts";

/**
 * The rules by what they watch, so a batch costs one map lookup per sample and only the rules it
 * touches are evaluated (a batch of 500 system samples meets 3 rules, not all of them).
 */
export class RuleIndex {
  readonly all: readonly CompiledRule[];
  readonly hostDown: readonly CompiledRule[];
  readonly #bySeries = new Map<string, CompiledRule[]>();
  readonly #byState = new Map<string, CompiledRule[]>();
  readonly #byName = new Map<string, CompiledRule>();

  constructor(rules: readonly CompiledRule[]) {
    this.all = rules;
    this.hostDown = rules.filter((r) => r.target.kind === "hostDown");
    for (const r of rules) {
      this.#byName.set(r.name, r);
      if (r.target.kind === "hostDown") continue;
      const map = r.target.kind === "series" ? this.#bySeries : this.#byState;
      const list = map.get(r.target.name);
      if (list) list.push(r);
      else map.set(r.target.name, [r]);
    }
  }

  forSeries(name: string): readonly CompiledRule[] | undefined {
    return this.#bySeries.get(name);
  }

  forState(name: string): readonly CompiledRule[] | undefined {
    return this.#byState.get(name);
  }

  byName(name: string): CompiledRule | undefined {
    return this.#byName.get(name);
  }
}
