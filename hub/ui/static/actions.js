// Actions: the hub's audit of every action asked of an agent, accepted or refused (docs/actions.md).
import { api, ApiError } from "./api.js";
import { fill, h, table } from "./dom.js";
import { section, startPage } from "./page.js";
import { actionRows, ACTION_HEADERS } from "./action-rows.js";

startPage(({ main }) => {
  const box = h("div", { id: "audit" });
  main.append(h("h1", {}, "Actions"), section("Audit, newest first", {}, box));
  return {
    async refresh() {
      try {
        const { actions } = await api("/api/v1/actions?limit=100");
        fill(
          box,
          table(ACTION_HEADERS, actionRows(actions, Date.now()), { empty: "No action has been asked for yet.", id: "action-table" }),
        );
      } catch (err) {
        if (!(err instanceof ApiError) || (err.status !== 401 && err.status !== 403)) throw err;
        fill(
          box,
          h(
            "p",
            { class: "muted", id: "actions-refused" },
            "The actions audit needs an admin token (operator tokens work with the vigil CLI): ",
            h("a", { href: "/ui/login?next=/ui/actions" }, "sign in with one"),
            ".",
          ),
        );
      }
    },
  };
});
