import type { RefusalCode } from "../../shared/actions/api.ts";

/** Why the agent will not run a request: a stable code and a message that names the field and the rule. */
export interface Refusal {
  code: RefusalCode;
  message: string;
}

/** A check's outcome: the checked value, or the refusal. */
export type Checked<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function refuse(code: RefusalCode, message: string): { ok: false; refusal: Refusal } {
  return { ok: false, refusal: { code, message } };
}
