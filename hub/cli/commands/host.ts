import { HOST_VIEWS, type HostView } from "../../../shared/api/views.ts";
import type { Fetched } from "../client.ts";
import type { Command } from "../command.ts";
import { HubApiError } from "../errors.ts";
import { EXIT } from "../exit-codes.ts";
import { formatHostFields, formatJson, formatSeriesLists, printable } from "../format.ts";
import { formatViewTable } from "../view-tables.ts";

/** `vigil host <id>`: one host's details and its typed views (GPUs, pools, containers, units, probes) as tables. */
export const hostCommand: Command = {
  name: "host",
  args: [{ name: "id", required: true }],
  summary: "show one host: details, GPUs, pools, containers, units, probes",
  description:
    "Shows one host's details, then a table for each of its GPUs, ZFS pools, containers, systemd\n" +
    "units and probes (the hub's typed views, GET /api/v1/hosts/<id>/gpus ...). A value the agent\n" +
    'did not report shows as "-". With --all, also every newest sample and state, written like\n' +
    'Prometheus (name{label="value"} value). With --json, prints {host, views: {gpus, ...}} (and\n' +
    "latest with --all): the hub's answers as received.",
  options: { all: { type: "boolean" } },
  optionHelp: [["--all", "also list every newest sample and state"]],
  async run(ctx) {
    const id = ctx.args.id as string;
    const client = ctx.hub();
    const all = ctx.options.all === true;
    const [host, views, latest] = await Promise.all([
      client.getHost(id),
      Promise.all(HOST_VIEWS.map((v) => client.getHostView(id, v.path).catch(skipMissingRoute))),
      all ? client.getHostLatest(id) : undefined,
    ]);
    if (ctx.json) {
      const rawViews = Object.fromEntries(HOST_VIEWS.flatMap((v, i) => (views[i] ? [[v.path, views[i].raw]] : [])));
      ctx.io.out(formatJson({ host: host.raw, views: rawViews, ...(latest ? { latest: latest.raw } : {}) }));
      return EXIT.ok;
    }
    const tables = HOST_VIEWS.flatMap((v, i) => {
      const fetched = views[i];
      const text = fetched ? formatViewTable(v.title, fetched.data) : undefined;
      return text === undefined ? [] : [text];
    });
    const sections = [formatHostFields(host.data, ctx.now())];
    sections.push(...(tables.length > 0 ? tables : ["No GPUs, pools, containers, units or probes reported."]));
    sections.push(latest ? formatSeriesLists(latest.data) : `Every sample and state: vigil host ${printable(id)} --all`);
    ctx.io.out(sections.join("\n\n"));
    return EXIT.ok;
  },
};

/** A hub older than the typed views answers 404 NOT_FOUND for their routes: show the rest. */
function skipMissingRoute(err: unknown): Fetched<HostView> | undefined {
  if (err instanceof HubApiError && err.status === 404 && err.code === "NOT_FOUND") return undefined;
  throw err;
}
