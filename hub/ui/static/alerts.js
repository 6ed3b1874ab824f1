// Alerts: what is firing or pending, the newest transitions, and silences (admins create and expire them).
import { api, ApiError } from "./api.js";
import { badge, fill, h, table } from "./dom.js";
import { section, startPage } from "./page.js";
import { alertRow, ALERT_HEADERS } from "./alert-rows.js";
import { formatAge, formatDuration, formatLabels, formatNumber, formatTime } from "../model/format.js";
import { describeMatchers, silenceRequestFromForm } from "../model/silence-form.js";
import { toneOf } from "../model/tone.js";

startPage(({ main, session, refresh }) => {
  const activeBox = h("div", { id: "active-box" });
  const silencesBox = h("div", { id: "silences-box" });
  const historyBox = h("div", { id: "history-box" });
  const form = session.canAdmin ? silenceForm(refresh) : null;
  main.append(
    h("h1", {}, "Alerts"),
    section("Firing and pending", {}, activeBox),
    section(
      "Silences",
      { id: "silences" },
      form
        ? form.el
        : h(
            "p",
            { class: "muted", id: "silence-admin-only" },
            "Creating and expiring silences needs an admin token. ",
            h("a", { href: "/ui/login?next=/ui/alerts" }, "Sign in as admin"),
          ),
      silencesBox,
    ),
    section("History", {}, historyBox),
  );

  return {
    async refresh() {
      const now = Date.now();
      const [{ alerts, history }, { silences }] = await Promise.all([
        api("/api/v1/alerts?state=active&history=50"),
        api("/api/v1/silences"),
      ]);
      const silenceButton = form
        ? (/** @type {any} */ a) => h("button", { type: "button", class: "small", on: { click: () => form.prefill(a) } }, "Silence…")
        : undefined;
      fill(
        activeBox,
        table(
          session.canAdmin ? [...ALERT_HEADERS, ""] : ALERT_HEADERS,
          alerts.map((/** @type {any} */ a) => alertRow(a, now, silenceButton)),
          {
            empty: "Nothing is firing or pending.",
            id: "active-alerts",
          },
        ),
      );
      fill(
        silencesBox,
        table(
          ["Status", "Matches", "Comment", "Ends", "By", ...(session.canAdmin ? [""] : [])],
          silences.map((/** @type {any} */ s) => [
            badge(`${s.kind === "maintenance" ? "maintenance " : ""}${s.status}`, s.status === "active" ? "info" : ""),
            describeMatchers(s.matchers),
            s.comment,
            h("span", { title: formatTime(s.endsAt) }, s.endsAt > now ? `in ${formatDuration(s.endsAt - now)}` : formatAge(s.endsAt, now)),
            s.createdBy ?? "",
            ...(session.canAdmin
              ? [h("button", { type: "button", class: "small danger", on: { click: () => expire(s.id, refresh) } }, "Expire")]
              : []),
          ]),
          { empty: "No silence is active or pending.", id: "silence-table" },
        ),
      );
      fill(
        historyBox,
        table(
          ["When", "Alert", "Host", "Change", "Value", "Notification"],
          history.map((/** @type {any} */ t) => [
            h("span", { title: formatTime(t.at) }, formatAge(t.at, now)),
            h(
              "span",
              {},
              h("strong", {}, t.rule),
              Object.keys(t.labels).length > 0 ? h("span", { class: "muted" }, ` ${formatLabels(t.labels)}`) : null,
            ),
            t.hostId ?? "",
            badge(`${t.from} → ${t.to} (${t.reason})`, toneOf(t.to === "firing" ? t.severity : t.to)),
            t.value !== null ? formatNumber(t.value, Number.isInteger(t.value) ? 0 : 1) : (t.observedState ?? ""),
            t.mutedBy ? badge(`muted by ${t.mutedBy.kind}`, "info") : (t.notification ?? ""),
          ]),
          { empty: "No transition yet.", id: "history-table" },
        ),
      );
    },
  };
});

/** @param {string} id @param {() => Promise<void>} refresh */
async function expire(id, refresh) {
  await api(`/api/v1/silences/${encodeURIComponent(id)}`, { method: "DELETE" });
  await refresh();
}

/** The create-silence form (admins only). @param {() => Promise<void>} refresh */
function silenceForm(refresh) {
  /** @type {Record<string, HTMLInputElement>} */
  const inputs = {};
  const field = (/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ hint, /** @type {string} */ value = "") => {
    const input = /** @type {HTMLInputElement} */ (
      h("input", { id: `silence-${name}`, name, value, autocomplete: "off", "aria-describedby": `silence-${name}-hint` })
    );
    inputs[name] = input;
    return h(
      "div",
      { class: "field" },
      h("label", { for: `silence-${name}` }, label),
      input,
      h("small", { id: `silence-${name}-hint`, class: "muted" }, hint),
    );
  };
  const status = h("p", { class: "form-error", role: "alert", id: "silence-error" });
  const el = h(
    "form",
    { class: "silence-form", id: "silence-form" },
    h("h3", {}, "New silence"),
    h(
      "div",
      { class: "fields" },
      field("hosts", "Hosts", "agent ids, comma-separated"),
      field("rules", "Rules", "rule names, e.g. gpu-temperature"),
      field("labels", "Labels", "name=value, comma-separated"),
      field("duration", "Duration", "30m, 2h, 1d", "2h"),
      field("comment", "Comment", "why: shown with every muted alert"),
      field("createdBy", "Your name", "optional"),
    ),
    h("button", { type: "submit" }, "Create silence"),
    status,
  );
  el.addEventListener("submit", async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    const built = silenceRequestFromForm(/** @type {any} */ (values));
    if (!built.ok) {
      fill(status, `${built.field}: ${built.message}`);
      inputs[built.field]?.focus();
      return;
    }
    try {
      const { silence } = await api("/api/v1/silences", { method: "POST", body: built.request });
      fill(status, `Silence ${silence.id.slice(0, 8)} created.`);
      for (const name of ["hosts", "rules", "labels", "comment"]) if (inputs[name]) inputs[name].value = "";
      await refresh();
    } catch (err) {
      fill(status, err instanceof ApiError ? `${err.field ? `${err.field}: ` : ""}${err.message}` : String(err));
    }
  });
  return {
    el,
    /** Fills the form from an alert, for its Silence button. @param {any} alert */
    prefill(alert) {
      if (inputs.hosts) inputs.hosts.value = alert.hostId ?? "";
      if (inputs.rules) inputs.rules.value = alert.rule;
      if (inputs.labels)
        inputs.labels.value = Object.entries(alert.labels)
          .map(([k, v]) => `${k}=${v}`)
          .join(", ");
      inputs.comment?.focus();
    },
  };
}
