export * from "./action.ts";
export * from "./alert.ts";
export * from "./envelope.ts";
export * from "./identity.ts";
export * from "./primitives.ts";
export * from "./sample-batch.ts";
export * from "./samples.ts";
export * from "./version.ts";
