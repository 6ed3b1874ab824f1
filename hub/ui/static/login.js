// Sign-in: a viewer or admin token (auth.viewerTokens, auth.adminTokens), checked against
// GET /api/v1/session before it is kept for this tab.
import { api, ApiError, clearToken, setToken } from "./api.js";
import { fill, h } from "./dom.js";

/** Only a dashboard path is followed after sign-in, so a crafted link cannot send the browser elsewhere. */
function nextPage() {
  const next = new URLSearchParams(location.search).get("next") ?? "";
  return /^\/ui\/[^/]/.test(next) || next === "/ui/" ? next : "/ui/";
}

async function main() {
  const root = /** @type {HTMLElement} */ (document.getElementById("main"));
  const status = h("p", { class: "form-error", role: "alert", id: "login-error" });
  const input = h("input", {
    type: "password",
    id: "token",
    name: "token",
    autocomplete: "off",
    required: true,
    spellcheck: "false",
    placeholder: "viewer or admin token",
  });
  const form = h(
    "form",
    { class: "login card", id: "login-form" },
    h("h1", {}, "Sign in to Vigil"),
    h(
      "p",
      { class: "muted" },
      "Paste a viewer token to read, or an admin token to also create silences. It is kept in this tab only and sent to this hub as a bearer header.",
    ),
    h("label", { for: "token" }, "Token"),
    input,
    h("button", { type: "submit" }, "Sign in"),
    status,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const token = /** @type {HTMLInputElement} */ (input).value.trim();
    if (token === "") return;
    try {
      const session = await api("/api/v1/session", { token });
      setToken(token);
      fill(status, `Signed in as ${session.role}.`);
      location.assign(nextPage());
    } catch (err) {
      clearToken();
      fill(status, err instanceof ApiError && err.status === 401 ? "This hub does not accept that token." : String(err));
    }
  });
  fill(root, form);
  try {
    const session = await api("/api/v1/session", { token: "" });
    if (session.canRead) {
      root.append(
        h(
          "p",
          { class: "muted" },
          session.canAdmin
            ? "Without a token you are admin here (this hub has no admin tokens and you are on its machine). "
            : "This hub can be read without a token. ",
          h("a", { href: nextPage() }, "Continue without signing in"),
        ),
      );
    }
  } catch {
    // Nothing more to say.
  }
  /** @type {HTMLInputElement} */ (input).focus();
}

main();
