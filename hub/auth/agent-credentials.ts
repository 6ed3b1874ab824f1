import type { Secret } from "../../shared/config/secret.ts";
import type { TokenStore } from "./token-store.ts";
import { hashToken, sameDigest } from "./tokens.ts";

/** Who an agent request comes from, as far as its token tells. */
export type AgentPrincipal =
  /** A token bound to one agent id (auth.agents, or issued by the hub): it may send as that id only. */
  | { kind: "agent"; agentId: string }
  /** A shared token (auth.agentTokens): any agent id. */
  | { kind: "shared" }
  /** No token, on an open hub (no credentials configured or issued, loopback only). */
  | { kind: "anonymous" };

export interface AgentCredentialsOptions {
  auth: {
    agentTokens: readonly Secret[];
    agents: ReadonlyArray<{ id: string; token: Secret }>;
    enrollmentTokens: readonly Secret[];
    adminTokens: readonly Secret[];
  };
  tokens: TokenStore;
}

/**
 * Every way an agent can prove who it is: tokens bound to an id in the config, tokens the hub
 * issued (TokenStore), shared tokens. The hub is "open" (an agent needs no token) only while it has
 * no credentials at all, neither configured nor issued; the config schema allows that on loopback only.
 */
export class AgentCredentials {
  /** digest -> agent id, for the bound tokens of the config (hashed once, compared as issued ones are). */
  readonly #configured = new Map<string, string>();
  readonly #configuredIds = new Set<string>();
  readonly #shared: readonly Secret[];
  readonly #tokens: TokenStore;
  readonly #anyConfigured: boolean;

  constructor(o: AgentCredentialsOptions) {
    for (const a of o.auth.agents) {
      this.#configured.set(hashToken(a.token.reveal()), a.id);
      this.#configuredIds.add(a.id);
    }
    this.#shared = o.auth.agentTokens;
    this.#tokens = o.tokens;
    const { agentTokens, agents, enrollmentTokens, adminTokens } = o.auth;
    this.#anyConfigured = agentTokens.length + agents.length + enrollmentTokens.length + adminTokens.length > 0;
  }

  /** True while agents may send without a token. */
  isOpen(): boolean {
    return !this.#anyConfigured && this.#tokens.count() === 0;
  }

  /** The principal a presented token stands for, or undefined when this hub does not know it. */
  resolve(token: string): AgentPrincipal | undefined {
    const digest = hashToken(token);
    for (const [known, agentId] of this.#configured) if (sameDigest(known, digest)) return { kind: "agent", agentId };
    const issued = this.#tokens.agentFor(token);
    if (issued !== undefined) return { kind: "agent", agentId: issued };
    // Every shared token is compared (no early exit), so timing does not tell which one nearly matched.
    let shared = false;
    for (const s of this.#shared) shared = s.equals(token) || shared;
    return shared ? { kind: "shared" } : undefined;
  }

  /** Whether `agentId` holds a bound token (configured or issued), which it must then always present. */
  holdsToken(agentId: string): boolean {
    return this.#configuredIds.has(agentId) || this.#tokens.has(agentId);
  }

  /** Whether the id's token comes from the config file (it cannot be revoked through the API). */
  isConfigured(agentId: string): boolean {
    return this.#configuredIds.has(agentId);
  }
}
