import { z } from "zod";
import type { InspectedContainer } from "./container-status.ts";
import { ContainersParseError, checkShape, parseJson } from "./json-input.ts";

/**
 * The fields read from a Docker-compatible inspect object: Docker's and Podman's
 * `GET /containers/{id}/json`, and `nerdctl container inspect --mode=dockercompat`, whose objects
 * nerdctl builds from the same moby types (pkg/inspecttypes/dockercompat). nerdctl leaves out
 * OOMKilled and Dead, gives the name without a slash, "" for times it does not know, and its
 * `Restarting` means "a restart policy is active", not "in a restart loop": so the state is read
 * from `State.Status` only, never from the flags.
 */
const inspectSchema = z.object({
  Id: z.string().min(1),
  Name: z.string().optional(),
  /** Docker: the image's sha256 id; nerdctl: the image name. */
  Image: z.string().optional(),
  RestartCount: z.int().nonnegative().optional(),
  Config: z.object({ Image: z.string().optional() }).nullish(),
  State: z.object({
    Status: z.string().optional(),
    ExitCode: z.int().optional(),
    OOMKilled: z.boolean().optional(),
    StartedAt: z.string().optional(),
    Health: z.object({ Status: z.string(), FailingStreak: z.int().nonnegative().optional() }).nullish(),
  }),
});
type RawInspect = z.infer<typeof inspectSchema>;

/** States in which the exit code describes the last run; in the others it is a leftover 0 or a stale value. */
const EXITED_STATES = new Set(["exited", "dead", "restarting"]);

/** RFC 3339 with optional fraction, as Go's time.RFC3339Nano writes it; Date.parse alone accepts far more. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** One inspect object: the body of the Engine API's `GET /containers/{id}/json`. */
export function parseInspect(text: string, source: string): InspectedContainer {
  return toInspected(checkShape(inspectSchema, parseJson(text, source), source), source);
}

/** An array of inspect objects: what `nerdctl container inspect` prints for several ids. */
export function parseInspectArray(text: string, source: string): InspectedContainer[] {
  return checkShape(z.array(inspectSchema), parseJson(text, source), source).map((raw, i) => toInspected(raw, `${source} [${i}]`));
}

function toInspected(raw: RawInspect, source: string): InspectedContainer {
  const state = raw.State.Status === undefined || raw.State.Status === "" ? "unknown" : raw.State.Status.toLowerCase();
  const healthStatus = raw.State.Health?.Status.toLowerCase() ?? "";
  const health = state === "running" && healthStatus !== "" ? healthStatus : "none";
  const configImage = raw.Config?.Image;
  const image = configImage !== undefined && configImage !== "" ? configImage : nameNotId(raw.Image);
  return {
    id: raw.Id,
    name: raw.Name === undefined || raw.Name.replace(/^\//, "") === "" ? undefined : raw.Name.replace(/^\//, ""),
    image,
    state,
    health,
    healthFailingStreak: health === "none" ? undefined : raw.State.Health?.FailingStreak,
    restartCount: raw.RestartCount,
    startedAtSeconds: epochSeconds(raw.State.StartedAt, `${source} State.StartedAt`),
    exitCode: EXITED_STATES.has(state) ? raw.State.ExitCode : undefined,
    oomKilled: raw.State.OOMKilled,
  };
}

/** Docker's top-level Image is the sha256 id, which says nothing to a reader; nerdctl's is the name. */
function nameNotId(image: string | undefined): string | undefined {
  return image === undefined || image === "" || /^sha256:[0-9a-f]+$/.test(image) ? undefined : image;
}

/**
 * Seconds since the epoch of an RFC 3339 time. "" and Go's zero time (0001-01-01T00:00:00Z, what
 * Docker writes for "never") are no time at all; anything else unreadable is an error, not a guess.
 */
function epochSeconds(text: string | undefined, field: string): number | undefined {
  if (text === undefined || text === "" || text.startsWith("0001-01-01T")) return undefined;
  const ms = RFC3339.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(ms)) throw new ContainersParseError(field, `expected an RFC 3339 time, got ${JSON.stringify(text.slice(0, 60))}`);
  return ms / 1000;
}
