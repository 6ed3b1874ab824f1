import { type JsonObject, asObject, mapObjects, obj, optBool, optInt, optObj, optStr, str } from "../json-fields.ts";
import type { InspectedContainer } from "./container-status.ts";
import { ContainersParseError, parseJson, readShape } from "./json-input.ts";

/**
 * The fields read from a Docker-compatible inspect object: Docker's and Podman's
 * `GET /containers/{id}/json`, and `nerdctl container inspect --mode=dockercompat`, whose objects
 * nerdctl builds from the same moby types (pkg/inspecttypes/dockercompat). nerdctl leaves out
 * OOMKilled and Dead, gives the name without a slash, "" for times it does not know, and its
 * `Restarting` means "a restart policy is active", not "in a restart loop": so the state is read
 * from `State.Status` only, never from the flags.
 */
function readRaw(o: JsonObject) {
  const id = str(o, "Id", { min: 1 });
  const state = obj(o, "State");
  const health = optObj(state, "Health");
  return {
    Id: id,
    Name: optStr(o, "Name"),
    /** Docker: the image's sha256 id; nerdctl: the image name. */
    Image: optStr(o, "Image"),
    RestartCount: optInt(o, "RestartCount", { min: 0 }),
    ConfigImage: mapOpt(optObj(o, "Config"), (c) => optStr(c, "Image")),
    State: {
      Status: optStr(state, "Status"),
      ExitCode: optInt(state, "ExitCode"),
      OOMKilled: optBool(state, "OOMKilled"),
      StartedAt: optStr(state, "StartedAt"),
      Health: mapOpt(health, (h) => ({ Status: str(h, "Status"), FailingStreak: optInt(h, "FailingStreak", { min: 0 }) })),
    },
  };
}
type RawInspect = ReturnType<typeof readRaw>;

function mapOpt<T, U>(value: T | undefined, f: (v: T) => U): U | undefined {
  return value === undefined ? undefined : f(value);
}

/** States in which the exit code describes the last run; in the others it is a leftover 0 or a stale value. */
const EXITED_STATES = new Set(["exited", "dead", "restarting"]);

/** RFC 3339 with optional fraction, as Go's time.RFC3339Nano writes it; Date.parse alone accepts far more. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** One inspect object: the body of the Engine API's `GET /containers/{id}/json`. */
export function parseInspect(text: string, source: string): InspectedContainer {
  return toInspected(
    readShape(parseJson(text, source), source, (value) => readRaw(asObject(value))),
    source,
  );
}

/** An array of inspect objects: what `nerdctl container inspect` prints for several ids. */
export function parseInspectArray(text: string, source: string): InspectedContainer[] {
  return readShape(parseJson(text, source), source, (value) => mapObjects(value, "", readRaw)).map((raw, i) =>
    toInspected(raw, `${source} [${i}]`),
  );
}

function toInspected(raw: RawInspect, source: string): InspectedContainer {
  const state = raw.State.Status === undefined || raw.State.Status === "" ? "unknown" : raw.State.Status.toLowerCase();
  const healthStatus = raw.State.Health?.Status.toLowerCase() ?? "";
  const health = state === "running" && healthStatus !== "" ? healthStatus : "none";
  const configImage = raw.ConfigImage;
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
