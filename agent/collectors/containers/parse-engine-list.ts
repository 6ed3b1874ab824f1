import { z } from "zod";
import type { ListedContainer } from "./container-status.ts";
import { checkShape, parseJson } from "./json-input.ts";

/**
 * The fields read from `GET /containers/json?all=1`. Objects are not strict: each API version adds
 * fields (API 1.22 has no `State`), and none of the others matter here: state, health and restarts
 * come from the inspect of each container, never from the human `Status` text ("Up 3 days (healthy)").
 */
const listSchema = z.array(
  z.object({
    Id: z.string().min(1),
    Names: z.array(z.string()).nullish(),
    Image: z.string().optional(),
  }),
);

/** Parses the Docker Engine API's container list (Docker and Podman's compatible API). */
export function parseEngineList(text: string, source = "GET /containers/json"): ListedContainer[] {
  const entries = checkShape(listSchema, parseJson(text, source), source);
  return entries.map((e) => ({ id: e.Id, name: firstName(e.Names), image: e.Image === "" ? undefined : e.Image }));
}

/**
 * The container's own name: the first without a further slash (old links added `/web/db`-style
 * aliases), without the leading slash Docker puts on every name.
 */
function firstName(names: readonly string[] | null | undefined): string | undefined {
  const plain = names?.map((n) => n.replace(/^\//, "")).filter((n) => n !== "") ?? [];
  return plain.find((n) => !n.includes("/")) ?? plain[0];
}
