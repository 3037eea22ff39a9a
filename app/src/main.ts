/** The web app: sign in, then pages chosen by the URL's fragment (`#/experiments`, `#/experiments/ID`). */
import { ApiError, createApi } from "./api";
import { createSession, readSignInConfig, type Session } from "./auth";
import { destroyCharts } from "./charts";
import { byId } from "./dom";
import { editorPage } from "./editor";
import { experimentPage, experimentsList, type View } from "./experiments";
import { financePage } from "./finance";
import { apiBaseOf } from "./logic";
import { mlPage } from "./ml";
import { queuesPage } from "./queues";

// sessionStorage, not localStorage: the token dies with the tab and is never shared across tabs.
const TOKEN_KEY = "hitl.app.token";

const ui = {
  alert: byId("alert"),
  status: byId("status"),
  signIn: byId("sign-in"),
  signInForm: byId<HTMLFormElement>("sign-in-form"),
  token: byId<HTMLTextAreaElement>("token"),
  nav: byId("nav"),
  who: byId("who"),
  whoName: byId("who-name"),
  signOut: byId<HTMLButtonElement>("sign-out"),
  provider: byId("provider"),
  providerSignIn: byId<HTMLButtonElement>("provider-sign-in"),
  view: byId("view"),
};

/** The roles whose pages this app shows; the identity provider grants what the user may have. */
const SCOPE = "openid email hitl/analyst hitl/admin hitl/ml";

// A pasted token (scripts, tests) or the signed-in session's.
let pasted: string | undefined = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
const signInConfig = readSignInConfig(
  document.querySelector('meta[name="hitl-sign-in"]')?.getAttribute("content"),
);
const session: Session | undefined = signInConfig
  ? createSession(signInConfig, SCOPE, {
      location,
      sessionStorage,
      replaceUrl: (url) => history.replaceState(null, "", url),
      navigate: (url) => location.assign(url),
    })
  : undefined;
const currentToken = () => pasted ?? session?.token();
const api = createApi(apiBaseOf(location.pathname), currentToken);

function showError(message: string): void {
  ui.alert.textContent = message;
  ui.alert.hidden = false;
}

function clearMessages(): void {
  ui.alert.hidden = true;
  ui.alert.textContent = "";
  ui.status.textContent = "";
}

function signedIn(value: boolean): void {
  ui.whoName.textContent = value
    ? `Signed in as ${session?.token() && !pasted ? (session.name() ?? "you") : "a pasted token"}`
    : "";
  ui.signIn.hidden = value;
  ui.nav.hidden = !value;
  ui.who.hidden = !value;
  if (!value) {
    destroyCharts();
    ui.view.replaceChildren();
  }
}

function signOut(message?: string): void {
  const leaving = session?.token() && !pasted;
  pasted = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  // Also at the identity provider, which comes back to this page.
  if (leaving && !message) void session?.signOut();
  signedIn(false);
  clearMessages();
  if (message) showError(message);
  ui.token.focus();
}

/** The page the fragment names; unknown fragments show the experiments list. */
function route(): { name: string; load: () => Promise<View> } {
  const parts = location.hash.replace(/^#\/?/, "").split("/").map(decodeURIComponent);
  if (parts[0] === "experiments" && parts[1])
    return { name: "experiments", load: () => experimentPage(api, parts[1] ?? "") };
  if (parts[0] === "edit") return { name: "experiments", load: () => editorPage(api, parts[1] || undefined) };
  if (parts[0] === "ml") return { name: "ml", load: () => mlPage(api) };
  if (parts[0] === "queues") return { name: "queues", load: () => queuesPage(api) };
  if (parts[0] === "finance") return { name: "finance", load: () => financePage(api, parts[1] || undefined) };
  return { name: "experiments", load: () => experimentsList(api) };
}

let rendering = 0;
async function render(): Promise<void> {
  if (!currentToken()) return;
  const mine = ++rendering;
  const { name, load } = route();
  for (const a of ui.nav.querySelectorAll("a")) {
    if (a.getAttribute("href") === `#/${name}`) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  clearMessages();
  ui.status.textContent = "Loading…";
  try {
    const view = await load();
    if (mine !== rendering) return;
    destroyCharts();
    ui.view.replaceChildren(view.element);
    view.mounted?.();
    ui.status.textContent = "";
    document.getElementById("page-title")?.focus();
  } catch (error) {
    if (mine !== rendering) return;
    ui.status.textContent = "";
    if (error instanceof ApiError && error.status === 401) {
      signOut(`Your sign-in was refused (${error.message}). Sign in again.`);
      return;
    }
    showError(`Could not load the page: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function signIn(text: string): Promise<void> {
  clearMessages();
  const candidate = text.trim().replace(/^Bearer\s+/i, "");
  if (!candidate) {
    showError("Paste a bearer token first.");
    ui.token.focus();
    return;
  }
  pasted = candidate;
  try {
    // Analysts and admins read experiments; the ML team reads the corrections export.
    await api.experiments().catch(async (error: unknown) => {
      if (!(error instanceof ApiError && error.status === 403)) throw error;
      await api.feedbackPage().catch(() => {
        throw error;
      });
      location.hash = "#/ml";
    });
  } catch (error) {
    pasted = undefined;
    const hint =
      error instanceof ApiError && error.status === 403
        ? " The token needs the hitl/analyst, hitl/admin or hitl/ml scope."
        : "";
    showError(`Could not sign in: ${error instanceof Error ? error.message : String(error)}.${hint}`);
    ui.token.focus();
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, candidate);
  ui.token.value = "";
  signedIn(true);
  await render();
}

ui.signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void signIn(ui.token.value);
});
ui.signOut.addEventListener("click", () => signOut());
ui.providerSignIn.addEventListener("click", () => void session?.signIn());
window.addEventListener("hashchange", () => void render());

async function start(): Promise<void> {
  ui.provider.hidden = session === undefined;
  try {
    await session?.start();
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
  }
  signedIn(currentToken() !== undefined);
  if (currentToken()) await render();
  else (session ? ui.providerSignIn : ui.token).focus();
}
void start();
