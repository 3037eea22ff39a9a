/** The reviewer console: sign in with a token, pick a queue, claim, read the handoff, decide. */
import { createSession, readSignInConfig, type Session } from "../../app/src/auth";
import { ApiError, createApi } from "./api";
import { browser, isTextField, type UiControl, type UiElement } from "./dom";
import {
  apiBase,
  displayValue,
  formatAge,
  formatPercent,
  heartbeatIntervalMs,
  keyAction,
  type LabelInput,
  labelInput,
  predictionBars,
  slaCountdown,
} from "./logic";
import { scorecardTableRows } from "./quality-view";
import { SCORECARD_COLUMNS, scorecardRows } from "./scorecard";
import { AGREEMENT_COLUMNS, agreementRows, TEAM_COLUMNS, TEAM_GOLD_COLUMN, teamRows } from "./team";
import { applyTypedKey, renderTyped } from "./typed-feedback";
import { type TypedState, typedKey, typedVerdict, wantsLabel } from "./typed-logic";
import type { Handoff, QueueStat, Review } from "./types";

// sessionStorage, not localStorage: the token dies with the tab and is never shared across tabs.
const TOKEN_KEY = "hitl.console.token";
const QUEUE_REFRESH_MS = 15_000;

const doc = browser.document;

function byId<T extends UiElement = UiElement>(id: string): T {
  const element = doc.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

function h(tag: string, attributes: Record<string, string> = {}, ...children: (UiElement | string)[]) {
  const element = doc.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

const ui = {
  alert: byId("alert"),
  status: byId("status"),
  signIn: byId("sign-in"),
  signInForm: byId("sign-in-form"),
  token: byId<UiControl>("token"),
  who: byId("who"),
  signOut: byId<UiControl>("sign-out"),
  provider: byId("provider"),
  providerSignIn: byId<UiControl>("provider-sign-in"),
  queues: byId("queues"),
  queuesTitle: byId("queues-title"),
  refresh: byId<UiControl>("refresh"),
  queueRows: byId("queue-rows"),
  queuesTable: byId("queues-table"),
  queuesEmpty: byId("queues-empty"),
  review: byId("review"),
  reviewTitle: byId("review-title"),
  reviewMeta: byId("review-meta"),
  sla: byId("sla"),
  slaDeadline: byId("sla-deadline"),
  slaCountdown: byId("sla-countdown"),
  lease: byId("lease"),
  reasons: byId("reasons"),
  predictionSummary: byId("prediction-summary"),
  bars: byId("bars"),
  itemFields: byId("item-fields"),
  verdicts: byId("verdicts"),
  history: byId("history"),
  decideForm: byId("decide-form"),
  labels: byId("labels"),
  typed: byId("typed-feedback"),
  notes: byId<UiControl>("notes"),
  decide: byId<UiControl>("decide"),
  release: byId<UiControl>("release"),
  quality: byId("quality"),
  qualityRefresh: byId<UiControl>("quality-refresh"),
  qualityTable: byId("quality-table"),
  qualityHead: byId("quality-head"),
  qualityRows: byId("quality-rows"),
  qualityEmpty: byId("quality-empty"),
  team: byId("team"),
  teamRefresh: byId<UiControl>("team-refresh"),
  teamTable: byId("team-table"),
  teamHead: byId("team-head"),
  teamRows: byId("team-rows"),
  teamEmpty: byId("team-empty"),
  agreementTable: byId("agreement-table"),
  agreementHead: byId("agreement-head"),
  agreementRows: byId("agreement-rows"),
};

type Timer = ReturnType<typeof setInterval>;

interface OpenItem {
  review: Review;
  input: LabelInput;
  /** The label controls, in shortcut order (one free-text field when any label is allowed). */
  controls: UiControl[];
  /** What the reviewer entered for the item's typed feedback. */
  typed: TypedState;
  heartbeat: Timer;
  countdown: Timer;
}

/** A pasted token (scripts, tests); otherwise the signed-in session's. */
let token: string | undefined = browser.sessionStorage.getItem(TOKEN_KEY) ?? undefined;
const signInSettings = readSignInConfig(
  doc.querySelector('meta[name="hitl-sign-in"]')?.getAttribute("content"),
);
const session: Session | undefined = signInSettings
  ? createSession(signInSettings, "openid email hitl/reviewer", {
      location: browser.location,
      sessionStorage: browser.sessionStorage,
      replaceUrl: (url) => browser.history.replaceState(null, "", url),
      navigate: (url) => browser.location.assign(url),
    })
  : undefined;
const currentToken = () => token ?? session?.token();
let open: OpenItem | undefined;
let queueTimer: Timer | undefined;
let busy = false;

const api = createApi(apiBase(browser.location.pathname), currentToken, (url, init) => fetch(url, init));

const when = (iso: string | undefined) => (iso ? new Date(iso).toLocaleString() : "unknown");

function showError(message: string): void {
  ui.alert.textContent = message;
  ui.alert.hidden = false;
}

function say(message: string): void {
  ui.alert.hidden = true;
  ui.status.textContent = message;
}

function clearMessages(): void {
  ui.alert.hidden = true;
  ui.alert.textContent = "";
  ui.status.textContent = "";
}

function setBusy(value: boolean): void {
  busy = value;
  for (const control of [ui.decide, ui.release, ui.refresh]) control.disabled = value;
}

/** A refused token ends the session; anything else is shown and the reviewer carries on. */
function fail(doing: string, error: unknown): void {
  if (error instanceof ApiError && error.status === 401) {
    signOut(`Your token was refused (${error.message}). Paste a fresh one to sign in again.`);
    return;
  }
  showError(`Could not ${doing}: ${error instanceof Error ? error.message : String(error)}`);
}

// ── sign in / out ──────────────────────────────────────────────────────────────

function showSignedIn(): void {
  ui.signIn.hidden = true;
  ui.who.hidden = false;
  ui.queues.hidden = false;
  ui.quality.hidden = false;
  ui.team.hidden = false;
  if (queueTimer === undefined) queueTimer = setInterval(() => void refreshQueues(false), QUEUE_REFRESH_MS);
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
    renderQueues(await api.queues());
  } catch (error) {
    token = undefined;
    const status = error instanceof ApiError ? error.status : 0;
    const hint =
      status === 401
        ? " The token is unknown or has expired."
        : status === 403
          ? " The token needs the hitl/reviewer scope."
          : "";
    showError(`Could not sign in: ${error instanceof Error ? error.message : String(error)}.${hint}`);
    ui.token.focus();
    return;
  }
  browser.sessionStorage.setItem(TOKEN_KEY, candidate);
  ui.token.value = "";
  showSignedIn();
  ui.queuesTitle.focus();
}

function signOut(message?: string): void {
  const leaving = open;
  closeReview();
  // Best effort: hand the item back now rather than when its lease runs out.
  if (leaving && currentToken()) void api.release(leaving.review.reviewId).catch(() => undefined);
  const fromProvider = token === undefined && session?.token() !== undefined;
  token = undefined;
  // Also at the identity provider (which comes back here), unless the token was refused.
  if (fromProvider && !message) void session?.signOut();
  browser.sessionStorage.removeItem(TOKEN_KEY);
  if (queueTimer !== undefined) clearInterval(queueTimer);
  queueTimer = undefined;
  ui.queues.hidden = true;
  ui.quality.hidden = true;
  ui.team.hidden = true;
  // Another person may sign in next: nothing of this one's scorecards stays on the page.
  for (const rows of [ui.qualityRows, ui.teamRows, ui.agreementRows]) rows.replaceChildren();
  ui.who.hidden = true;
  ui.signIn.hidden = false;
  clearMessages();
  if (message) showError(message);
  ui.token.focus();
}

// ── queues ─────────────────────────────────────────────────────────────────────

function renderQueues(stats: QueueStat[]): void {
  ui.queuesEmpty.hidden = stats.length > 0;
  ui.queuesTable.hidden = stats.length === 0;
  ui.queueRows.replaceChildren(
    ...stats.map((stat) => {
      const claim = h(
        "button",
        { type: "button", "aria-label": `Claim next item from ${stat.queue}` },
        "Claim next",
      );
      if (stat.depth === 0) (claim as UiControl).disabled = true;
      claim.addEventListener("click", () => void claimNext(stat.queue));
      const count = (value: number, kind: string) =>
        h("td", { class: value > 0 ? `num ${kind}` : "num" }, String(value));
      return h(
        "tr",
        {},
        h("th", { scope: "row" }, stat.queue),
        h("td", { class: "num" }, String(stat.depth)),
        h("td", { class: "num" }, stat.depth > 0 ? formatAge(stat.oldestAgeSeconds) : "-"),
        count(stat.nearSla, "near"),
        count(stat.pastSla, "past"),
        h("td", {}, claim),
      );
    }),
  );
}

/** The reviewer's own scorecard: a table, with gold accuracy as a bar and its interval. */
async function showScorecard(): Promise<void> {
  try {
    const rows = scorecardRows(await api.scorecard());
    ui.qualityHead.replaceChildren(...SCORECARD_COLUMNS.map((c) => h("th", { scope: "col" }, c)));
    ui.qualityRows.replaceChildren(...scorecardTableRows(h, rows, 3));
    ui.qualityTable.hidden = rows.length === 0;
    ui.qualityEmpty.hidden = rows.length > 0;
  } catch (error) {
    fail("load your scorecard", error);
  }
}

/** Every reviewer's scorecard and each queue's agreement (admins; a reviewer's token gets 403). */
async function showTeam(): Promise<void> {
  try {
    const answer = await api.team();
    const rows = teamRows(answer);
    ui.teamHead.replaceChildren(...TEAM_COLUMNS.map((c) => h("th", { scope: "col" }, c)));
    ui.teamRows.replaceChildren(...scorecardTableRows(h, rows, TEAM_GOLD_COLUMN));
    const agreement = agreementRows(answer);
    ui.agreementHead.replaceChildren(...AGREEMENT_COLUMNS.map((c) => h("th", { scope: "col" }, c)));
    ui.agreementRows.replaceChildren(
      ...agreement.map((row) =>
        h("tr", row.low ? { class: "agreement-low" } : {}, ...row.cells.map((cell) => h("td", {}, cell))),
      ),
    );
    ui.teamTable.hidden = rows.length === 0;
    ui.agreementTable.hidden = agreement.length === 0;
    ui.teamEmpty.textContent = "No verdicts are counted yet.";
    ui.teamEmpty.hidden = rows.length > 0;
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      ui.teamTable.hidden = true;
      ui.agreementTable.hidden = true;
      ui.teamEmpty.textContent = "Only admins see every reviewer's scorecard; My quality shows yours.";
      ui.teamEmpty.hidden = false;
      return;
    }
    fail("load the team's scorecards", error);
  }
}

async function refreshQueues(announce: boolean): Promise<void> {
  if (!currentToken() || open) return;
  try {
    renderQueues(await api.queues());
    if (announce) say(`Queues refreshed at ${new Date().toLocaleTimeString()}.`);
  } catch (error) {
    fail("load the queues", error);
  }
}

async function claimNext(queue: string): Promise<void> {
  if (busy || open) return;
  clearMessages();
  setBusy(true);
  try {
    const answer = await api.claim(queue);
    if (answer.review === null) {
      say("message" in answer ? answer.message : `Queue ${queue} has nothing to claim.`);
      await refreshQueues(false);
      return;
    }
    openReview(answer as Handoff);
  } catch (error) {
    fail(`claim from ${queue}`, error);
  } finally {
    setBusy(false);
  }
}

// ── the open item ──────────────────────────────────────────────────────────────

function renderLabels(input: LabelInput): UiControl[] {
  const legend = h("legend", {}, "Your verdict");
  if (input.kind === "free") {
    const field = h("input", {
      id: "free-label",
      type: "text",
      list: "label-suggestions",
      autocomplete: "off",
      "aria-describedby": "free-label-help",
    }) as UiControl;
    const options = input.suggestions.map((label) => h("option", { value: label }));
    ui.labels.replaceChildren(
      legend,
      h("label", { for: "free-label" }, "Label"),
      field,
      h("datalist", { id: "label-suggestions" }, ...options),
      h("p", { id: "free-label-help", class: "help" }, "This experiment allows any label; type one."),
    );
    return [field];
  }
  const radios = input.choices.map((choice) => {
    const radio = h("input", { type: "radio", name: "verdict-label", value: choice.label }) as UiControl;
    const parts: (UiElement | string)[] = [radio];
    if (choice.shortcut) parts.push(h("kbd", { "aria-hidden": "true" }, choice.shortcut));
    parts.push(h("span", {}, choice.label));
    if (choice.predicted) parts.push(h("small", {}, "model's prediction"));
    return { radio, label: h("label", { class: "choice" }, ...parts) };
  });
  ui.labels.replaceChildren(legend, h("div", { class: "choices" }, ...radios.map((r) => r.label)));
  return radios.map((r) => r.radio);
}

function renderReview({ review, history }: Handoff): void {
  const { context } = review;
  ui.reviewTitle.textContent = `Review ${review.reviewId}`;
  const meta = [
    `queue ${review.queue}`,
    `tier ${review.tier}`,
    `experiment ${review.experimentId} (arm ${review.arm})`,
    review.kind === "audit" ? "audit sample" : "held decision",
  ];
  if (review.round > 1) meta.push(`round ${review.round}`);
  if (review.requiredVerdicts > 1) meta.push("double review: you decide independently");
  ui.reviewMeta.textContent = meta.join(" · ");

  ui.slaDeadline.setAttribute("datetime", review.deadline);
  ui.slaDeadline.textContent = when(review.deadline);

  const reasons = review.reasons.length > 0 ? review.reasons : [context.routingReason];
  ui.reasons.replaceChildren(...reasons.map((reason) => h("li", {}, reason)));

  const { prediction } = context;
  ui.predictionSummary.textContent = prediction
    ? `The model predicted “${prediction.label}” with ${formatPercent(prediction.confidence)} confidence` +
      (prediction.modelVersion ? ` (model ${prediction.modelVersion}).` : ".")
    : "The model's answer is hidden for this item, so your verdict measures the item, not the model.";
  ui.bars.replaceChildren(
    ...(prediction ? predictionBars(prediction) : []).map((bar) => {
      const fill = h("span", { class: "fill" });
      fill.style.setProperty("width", bar.percent);
      return h(
        "li",
        { class: bar.predicted ? "predicted" : "" },
        h("span", { class: "bar-label" }, bar.label),
        h("span", { class: "track", "aria-hidden": "true" }, fill),
        h("span", { class: "bar-value" }, bar.percent),
      );
    }),
  );

  const fields = Object.entries(context.item);
  ui.itemFields.replaceChildren(
    ...(fields.length === 0
      ? [h("dt", {}, "(no fields)"), h("dd", {}, "")]
      : fields.flatMap(([name, value]) => [h("dt", {}, name), h("dd", {}, displayValue(value))])),
  );

  ui.verdicts.replaceChildren(
    ...(review.verdicts.length === 0
      ? [h("li", { class: "none" }, "None yet.")]
      : review.verdicts.map((v) =>
          h(
            "li",
            {},
            h("strong", {}, v.label),
            ` by ${v.reviewer}, ${v.tier}, ${when(v.at)}${v.adjudication ? " (adjudication)" : ""}`,
            ...(v.notes ? [h("q", {}, v.notes)] : []),
          ),
        )),
  );

  ui.history.replaceChildren(
    ...history.map((entry) =>
      h(
        "li",
        {},
        h("time", { datetime: entry.at }, when(entry.at)),
        ` ${entry.action}`,
        h("span", { class: "actor" }, ` by ${entry.actor}`),
      ),
    ),
  );
  ui.notes.value = "";
}

function renderLease(leaseUntil: string | undefined, leaseSeconds: number): void {
  const every = Math.round(heartbeatIntervalMs(leaseSeconds) / 1000);
  ui.lease.textContent = `Your claim lasts until ${when(leaseUntil)}; it is renewed every ${every} s while this item is open.`;
}

function tick(): void {
  if (!open) return;
  const countdown = slaCountdown(open.review.deadline, open.review.enqueuedAt, Date.now());
  ui.slaCountdown.textContent = countdown.text;
  ui.sla.setAttribute("data-state", countdown.state);
}

async function heartbeat(): Promise<void> {
  const current = open;
  if (!current || !currentToken()) return;
  try {
    const { leaseUntil } = await api.heartbeat(current.review.reviewId);
    if (open === current) renderLease(leaseUntil, current.review.leaseSeconds);
  } catch (error) {
    if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401) {
      // The lease is gone (expired, escalated, decided elsewhere): the item is no longer ours.
      closeReview();
      showError(`Your claim on ${current.review.reviewId} ended: ${error.message}`);
      void refreshQueues(false);
      ui.queuesTitle.focus();
      return;
    }
    fail("renew the claim (will retry)", error);
  }
}

function openReview(handoff: Handoff): void {
  const { review } = handoff;
  // The reviewer's own label order; no "model's prediction" mark when the prediction is hidden.
  const input = labelInput(
    handoff.labelOrder ?? review.labels,
    review.context.prediction ?? { label: "", confidence: 0 },
  );
  renderReview(handoff);
  const controls = wantsLabel(review) ? renderLabels(input) : [];
  ui.labels.hidden = !wantsLabel(review);
  const typed: TypedState = { rubric: {} };
  renderTyped(ui.typed, review, typed);
  renderLease(review.leaseUntil, review.leaseSeconds);
  open = {
    review,
    input,
    controls,
    typed,
    heartbeat: setInterval(() => void heartbeat(), heartbeatIntervalMs(review.leaseSeconds)),
    countdown: setInterval(tick, 1000),
  };
  tick();
  ui.queues.hidden = true;
  ui.review.hidden = false;
  ui.reviewTitle.focus();
}

function closeReview(): void {
  if (open) {
    clearInterval(open.heartbeat);
    clearInterval(open.countdown);
  }
  open = undefined;
  ui.review.hidden = true;
  if (currentToken()) ui.queues.hidden = false;
}

function chosenLabel(item: OpenItem): string | undefined {
  if (item.input.kind === "free") return item.controls[0]?.value.trim() || undefined;
  return item.controls.find((control) => control.checked)?.value;
}

async function decide(): Promise<void> {
  const current = open;
  if (!current || busy) return;
  clearMessages();
  const label = wantsLabel(current.review) ? chosenLabel(current) : undefined;
  const typed = typedVerdict(current.review, current.typed);
  if (!typed.ok) {
    showError(typed.message);
    return;
  }
  if (!label && wantsLabel(current.review)) {
    const count = current.controls.length;
    showError(
      current.input.kind === "free"
        ? "Type a label before deciding."
        : `Pick a label before deciding (keys 1 to ${Math.min(9, count)}).`,
    );
    current.controls[0]?.focus();
    return;
  }
  const notes = ui.notes.value.trim();
  setBusy(true);
  try {
    const answer = await api.verdict(current.review.reviewId, {
      ...(label ? { label } : {}),
      ...typed.body,
      ...(notes ? { notes } : {}),
    });
    closeReview();
    const given = answer.verdict.label;
    say(
      answer.status === "waiting-for-second-review"
        ? `Verdict “${given}” recorded for ${answer.reviewId}; a second reviewer decides independently.`
        : `Verdict “${given}” recorded for ${answer.reviewId}.`,
    );
    await refreshQueues(false);
    ui.queuesTitle.focus();
  } catch (error) {
    const gone = error instanceof ApiError && (error.status === 404 || error.code === "hold_closed");
    fail(`record the verdict on ${current.review.reviewId}`, error);
    if (gone) {
      closeReview();
      await refreshQueues(false);
    }
  } finally {
    setBusy(false);
  }
}

async function release(): Promise<void> {
  const current = open;
  if (!current || busy) return;
  clearMessages();
  setBusy(true);
  try {
    await api.release(current.review.reviewId);
    closeReview();
    say(`Released ${current.review.reviewId} back to queue ${current.review.queue}.`);
    await refreshQueues(false);
    ui.queuesTitle.focus();
  } catch (error) {
    fail(`release ${current.review.reviewId}`, error);
  } finally {
    setBusy(false);
  }
}

// ── events ─────────────────────────────────────────────────────────────────────

ui.signInForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void signIn(ui.token.value);
});
ui.signOut.addEventListener("click", () => signOut());
ui.providerSignIn.addEventListener("click", () => void session?.signIn());
ui.refresh.addEventListener("click", () => void refreshQueues(true));
ui.qualityRefresh.addEventListener("click", () => void showScorecard());
ui.teamRefresh.addEventListener("click", () => void showTeam());
ui.decideForm.addEventListener("submit", (event) => {
  event.preventDefault();
  void decide();
});
ui.release.addEventListener("click", () => void release());

doc.addEventListener("keydown", (event) => {
  if (!open || busy) return;
  const key = {
    key: event.key,
    ctrlKey: event.ctrlKey,
    metaKey: event.metaKey,
    altKey: event.altKey,
    inTextField: isTextField(event.target),
  };
  const typed = typedKey(key, open.review, open.typed);
  if (typed) {
    event.preventDefault();
    applyTypedKey(typed, open.typed);
    return;
  }
  const action = keyAction(
    {
      key: event.key,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      altKey: event.altKey,
      inTextField: isTextField(event.target),
    },
    open.input.kind === "buttons" ? open.controls.length : 0,
  );
  if (!action) return;
  event.preventDefault();
  if (action.type === "decide") void decide();
  else if (action.type === "release") void release();
  else {
    const control = open.controls[action.index];
    if (control) {
      control.checked = true;
      control.focus();
    }
  }
});

async function start(): Promise<void> {
  ui.provider.hidden = session === undefined;
  try {
    await session?.start();
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
  }
  if (currentToken()) {
    showSignedIn();
    await refreshQueues(false);
  } else {
    (session ? ui.providerSignIn : ui.token).focus();
  }
}
void start();
