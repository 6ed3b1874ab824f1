import type { Secret } from "../../shared/config/secret.ts";

/**
 * The agent's token, which the hub accepts on ingest and presents on the agent's pull endpoints. It
 * is known at start (config or token file) or arrives later, once enrollment succeeds; until then
 * `pending` is true and endpoints that need it answer 503.
 */
export class AgentCredentials {
  #token: Secret | undefined;
  #pending: boolean;

  constructor(token: Secret | undefined, pending = false) {
    this.#token = token;
    this.#pending = pending;
  }

  get token(): Secret | undefined {
    return this.#token;
  }

  get pending(): boolean {
    return this.#pending;
  }

  enrolled(token: Secret): void {
    this.#token = token;
    this.#pending = false;
  }
}
