/**
 * The `runtime` label of a configured runtime: also how errors and logs name the runtime. Apart from
 * config.ts so that the running agent uses it without loading zod (config.ts's schemas are read only in
 * the config child, agent/config/load-in-child.ts).
 */
export function runtimeLabel(config: { readonly kind: string; readonly name?: string | undefined }): string {
  return config.name ?? config.kind;
}
