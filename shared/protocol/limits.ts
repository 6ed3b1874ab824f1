// Kept apart from sample-batch.ts so that code which must not load zod (shared/protocol/fast-check.ts,
// used by the agent) can import the limits.
export const MAX_SAMPLES_PER_BATCH = 100_000;
export const MAX_STATES_PER_BATCH = 20_000;

/** Most batches one `GET /api/v1/samples` returns; `limit` may ask for fewer. */
export const MAX_PULL_BATCHES = 100;
