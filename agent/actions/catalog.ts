import type { ActionsConfig } from "./config.ts";
import { type CompiledParam, checkParams, compileParam } from "./params.ts";
import { type Checked, refuse } from "./refusal.ts";
import { type ArgTemplate, parseTemplate, renderArgv, renderTemplate } from "./template.ts";

export type RiskClass = "safe" | "caution" | "danger";

/** One whitelisted action, ready to check requests against. */
export interface CatalogAction {
  name: string;
  risk: RiskClass;
  argv: readonly ArgTemplate[];
  params: Readonly<Record<string, CompiledParam>>;
  target: ArgTemplate;
  timeoutMs: number;
  maxOutputBytes: number;
}

/** What a checked request will run: the exact argv and the target it occupies. */
export interface PreparedRun {
  action: CatalogAction;
  argv: string[];
  target: string;
}

/** The agent's whitelist, from `actions.catalog`. Nothing outside it can run. */
export class ActionCatalog {
  readonly #actions = new Map<string, CatalogAction>();

  constructor(catalog: ActionsConfig["catalog"]) {
    for (const [name, spec] of Object.entries(catalog)) {
      this.#actions.set(name, {
        name,
        risk: spec.risk,
        argv: spec.argv,
        params: Object.fromEntries(Object.entries(spec.params).map(([p, s]) => [p, compileParam(s)])),
        target: parseTemplate(spec.target ?? name),
        timeoutMs: spec.timeout,
        maxOutputBytes: spec.maxOutputBytes,
      });
    }
  }

  names(): string[] {
    return [...this.#actions.keys()];
  }

  /** The action and the argv it would run with these parameters, or the refusal (unknown action, bad parameter). */
  prepare(action: string, params: Readonly<Record<string, unknown>>): Checked<PreparedRun> {
    const entry = this.#actions.get(action);
    if (!entry) {
      const names = this.names();
      return refuse(
        "ACTION_NOT_WHITELISTED",
        `"${action}" is not in this agent's action catalog (${names.length ? `it has ${names.join(", ")}` : "it has none"})`,
      );
    }
    const checked = checkParams(entry.params, params);
    if (!checked.ok) return checked;
    return {
      ok: true,
      value: { action: entry, argv: renderArgv(entry.argv, checked.value), target: renderTemplate(entry.target, checked.value) },
    };
  }
}
