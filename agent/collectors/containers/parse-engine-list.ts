import { mapObjects, optStr, optStrings, str } from "../json-fields.ts";
import type { ListedContainer } from "./container-status.ts";
import { parseJson, readShape } from "./json-input.ts";

/**
 * Parses the Docker Engine API's container list (Docker and Podman's compatible API): `GET /containers/json?all=1`.
 * Only Id, Names and Image are read: each API version adds fields (API 1.22 has no `State`), and
 * state, health and restarts come from the inspect of each container, never from the human `Status`
 * text ("Up 3 days (healthy)").
 */
export function parseEngineList(text: string, source = "GET /containers/json"): ListedContainer[] {
  return readShape(parseJson(text, source), source, (value) =>
    mapObjects(value, "", (e) => {
      const image = optStr(e, "Image");
      return { id: str(e, "Id", { min: 1 }), name: firstName(optStrings(e, "Names")), image: image === "" ? undefined : image };
    }),
  );
}

/**
 * The container's own name: the first without a further slash (old links added `/web/db`-style
 * aliases), without the leading slash Docker puts on every name.
 */
function firstName(names: readonly string[] | undefined): string | undefined {
  const plain = names?.map((n) => n.replace(/^\//, "")).filter((n) => n !== "") ?? [];
  return plain.find((n) => !n.includes("/")) ?? plain[0];
}
