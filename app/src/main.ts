/** The web app: sign in, then pages chosen by the URL's fragment (`#/experiments`, `#/experiments/ID`). */
import { ApiError, createApi } from "./api";
import { destroyCharts } from "./charts";
import { byId } from "./dom";
import { experimentPage, experimentsList, type View } from "./experiments";
import { apiBaseOf } from "./logic";

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
  view: byId("view"),
};

let token: string | undefined = sessionStorage.getItem(TOKEN_KEY) ?? undefined;
const api = createApi(apiBaseOf(location.pathname), () => token);

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
  ui.signIn.hidden = value;
  ui.nav.hidden = !value;
  ui.who.hidden = !value;
  if (!value) {
    destroyCharts();
    ui.view.replaceChildren();
  }
}

function signOut(message?: string): void {
  token = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
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
  return { name: "experiments", load: () => experimentsList(api) };
}

let rendering = 0;
async function render(): Promise<void> {
  if (!token) return;
  const mine = ++rendering;
  const { name, load } = route();
  for (const a of ui.nav.querySelectorAll("a"))
    a.toggleAttribute("aria-current", a.getAttribute("href") === `#/${name}`) &&
      a.setAttribute("aria-current", "page");
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

async function signIn(pasted: string): Promise<void> {
  clearMessages();
  const candidate = pasted.trim().replace(/^Bearer\s+/i, "");
  if (!candidate) {
    showError("Paste a bearer token first.");
    ui.token.focus();
    return;
  }
  token = candidate;
  try {
    await api.experiments();
  } catch (error) {
    token = undefined;
    const hint =
      error instanceof ApiError && error.status === 403
        ? " The token needs the hitl/analyst or hitl/admin scope."
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
window.addEventListener("hashchange", () => void render());

signedIn(token !== undefined);
if (token) void render();
else ui.token.focus();
