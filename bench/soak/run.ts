/**
 * The soak (issue 10 §2): steady traffic at a chosen rate for a chosen time, reviewers deciding the
 * held items, some decisions sent two or three times at once (over HTTP and the ingest queue), and
 * workers crashed now and then through the local cloud's fault control; then every decision must
 * end as expected, be counted once, and the live counters must equal the rebuild. It runs against
 * any local cloud it can reach (`SoakTarget`): the bench's own and the integration suite's.
 */
import { SendMessageBatchCommand } from "@aws-sdk/client-sqs";
import { HitlApiError, HitlClient } from "../../client";
import type { FaultReport } from "../../local/lambda";
import { summarize } from "../stats";
import type { SentDecision } from "./check";
import { caughtUp, settled } from "./end";
import { CRASH_TARGETS, copiesOf, crashSchedule, type PlannedCrash, seeded } from "./schedule";
import type { SoakOptions, SoakResult, SoakTarget, SoakWindow } from "./types";

export type { SoakFaults, SoakOptions, SoakResult, SoakTarget, SoakWindow } from "./types";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MODEL_LABEL = "approve";
/** Confidences either side of the arm's threshold (0.8). */
const HELD_CONFIDENCE = 0.5;
const AUTO_CONFIDENCE = 0.95;
const MAX_IN_FLIGHT = 64;
const MAX_RESENDS = 30;

/** Creates the soak's experiment: one arm holding what is below 0.8, one queue of its own, no SLA fallback in reach. */
async function createExperiment(admin: HitlClient, soakId: string, queue: string): Promise<void> {
  await admin.experiments.create({
    id: soakId,
    status: "running",
    control: "only",
    labels: ["approve", "deny"],
    arms: [
      {
        id: "only",
        weight: 1,
        policy: {
          autoAcceptAbove: 0.8,
          auditRate: 0,
          queue,
          sla: {
            tiers: [{ name: "tier-1", slaSeconds: 3600, hourlyRateUsd: 30 }],
            fallback: { action: "model" },
            heartbeatSeconds: 600,
          },
        },
      },
    ],
  });
}

const retryable = (error: unknown) =>
  !(error instanceof HitlApiError) || error.status >= 500 || error.status === 429;

export async function runSoak(
  target: SoakTarget,
  options: SoakOptions & { adminToken: string },
): Promise<SoakResult> {
  const progress = options.progress ?? (() => undefined);
  const windowMs = options.windowMs ?? 10_000;
  const memory = options.memory ?? (() => ({ node: process.memoryUsage().rss / 2 ** 20 }));
  const random = seeded(options.seed ?? 20261204);
  const { soakId } = options;
  const queue = `${soakId}-q`;
  const client = (token: string) =>
    new HitlClient({ baseUrl: target.apiUrl, token, retry: { maxAttempts: 1 } });
  const producer = client(target.tokens.producer);
  const analyst = client(target.tokens.analyst);
  await createExperiment(client(options.adminToken), soakId, queue);

  const sent = new Map<string, SentDecision>();
  const decisionMs: number[] = [];
  const verdictMs: number[] = [];
  const redeliveries = {
    httpResends: 0,
    verdictResends: 0,
    ingestResends: 0,
    duplicateCopies: 0,
    crashedInvocations: 0,
  };
  const errors: { count: number; first?: string } = { count: 0 };
  const fail = (what: string) => {
    errors.count += 1;
    errors.first ??= what;
  };
  let answered = 0;
  let verdicts = 0;

  // ---- crashes, armed on schedule ----------------------------------------------------------------
  const plan = crashSchedule({
    durationMs: options.durationMs,
    perMinute: options.crashesPerMinute,
    seed: options.seed ?? 20261204,
  });
  const armed = new Map<string, PlannedCrash>();
  let restarting = false;
  /** Faults that fired before a restart (the new cloud's fault control knows none of them). */
  let firedBeforeRestart: FaultReport[] = [];
  const timers = plan.map((crash) =>
    setTimeout(() => {
      if (restarting) return; // nothing to arm it in: it shows as armed on schedule, not fired
      target.faults
        .arm({
          fn: crash.target.fn,
          afterWrite: crash.afterWrite,
          kill: "worker",
          match: [soakId, ...(crash.target.match ?? [])],
        })
        .then(
          (id) => armed.set(id, crash),
          (error: unknown) => {
            if (!restarting) fail(`arming a fault: ${String(error)}`);
          },
        );
    }, crash.atMs),
  );
  const firedReports = async () => {
    const now = (await target.faults.list()).filter((f) => armed.has(f.id) && f.state === "fired");
    const ids = new Set(now.map((f) => f.id));
    return [...firedBeforeRestart.filter((f) => !ids.has(f.id)), ...now];
  };

  // ---- decisions --------------------------------------------------------------------------------
  const bodyOf = (decisionId: string, i: number, held: boolean) => ({
    experimentId: soakId,
    unitId: `${soakId}-u${i % 97}`,
    decisionId,
    item: { topic: "billing", amount: 40 + (i % 500) },
    prediction: {
      label: MODEL_LABEL,
      confidence: held ? HELD_CONFIDENCE : AUTO_CONFIDENCE,
      modelVersion: "soak-1",
      costUsd: 0.0004,
    },
  });

  /** One HTTP copy, sent again on a 5xx or a lost connection, as a producer does. */
  const httpCopy = async (body: ReturnType<typeof bodyOf>, held: boolean): Promise<boolean> => {
    for (let attempt = 0; attempt < MAX_RESENDS; attempt++) {
      if (attempt > 0) {
        redeliveries.httpResends += 1;
        await sleep(250);
      }
      try {
        const answer = await producer.decisions.send(body);
        if ((answer.route === "human") !== held) fail(`${body.decisionId}: routed ${answer.route}`);
        return true;
      } catch (error) {
        if (!retryable(error)) {
          fail(`${body.decisionId}: ${String(error)}`);
          return false;
        }
      }
    }
    fail(`${body.decisionId}: no answer after ${MAX_RESENDS} attempts`);
    return false;
  };

  const sendOne = async (i: number) => {
    const decisionId = `${soakId}-d${i}`;
    const held = random() < (options.heldShare ?? 0.3);
    const via = random() < (options.ingestShare ?? 0.2) ? "ingest" : "http";
    const copies = copiesOf(random, options.duplicateShare ?? 0.2);
    const record: SentDecision = { decisionId, via, held, predicted: MODEL_LABEL, answered: false };
    sent.set(decisionId, record);
    redeliveries.duplicateCopies += copies - 1;
    const body = bodyOf(decisionId, i, held);
    const t0 = performance.now();
    if (via === "http") {
      const results = await Promise.all(Array.from({ length: copies }, () => httpCopy(body, held)));
      record.answered = results.some(Boolean);
    } else {
      // Copies in one batch: the queue holds them at once, and the poller may hand them to two workers.
      for (let attempt = 0; attempt < MAX_RESENDS && !record.answered; attempt++) {
        if (attempt > 0) {
          redeliveries.ingestResends += 1;
          await sleep(500);
        }
        try {
          const out = await target.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: target.ingestQueueUrl,
              Entries: Array.from({ length: copies }, (_, c) => ({
                Id: `c${c}`,
                MessageBody: JSON.stringify(body),
              })),
            }),
          );
          record.answered = (out.Successful?.length ?? 0) > 0;
        } catch {
          // The queue is away (a restart): send the batch again, as a producer's SDK would.
        }
      }
      if (!record.answered) fail(`${decisionId}: the ingest queue refused it`);
    }
    if (record.answered) {
      answered += 1;
      if (via === "http") decisionMs.push(performance.now() - t0);
    }
  };

  // ---- reviewers ----------------------------------------------------------------------------------
  let reviewing = true;
  const undecided = () => [...sent.values()].filter((d) => d.held && d.answered && d.verdict === undefined);
  const reviewer = async (token: string) => {
    const api = client(token);
    while (reviewing) {
      let claimed: Awaited<ReturnType<HitlClient["reviews"]["claim"]>>;
      try {
        claimed = await api.reviews.claim(queue, { experimentId: soakId });
      } catch (error) {
        if (!retryable(error)) fail(`claim: ${String(error)}`);
        await sleep(250);
        continue;
      }
      if (!claimed) {
        await sleep(300);
        continue;
      }
      const { reviewId, decisionId } = claimed.review;
      await sleep(100 + Math.floor(random() * 300)); // a (very fast) person reading the item
      const label = random() < (options.overrideShare ?? 0.3) ? "deny" : MODEL_LABEL;
      const t0 = performance.now();
      let crashed = false;
      let accepted = false;
      for (let attempt = 0; attempt < MAX_RESENDS; attempt++) {
        if (attempt > 0) {
          redeliveries.verdictResends += 1;
          await sleep(250);
        }
        try {
          // The note carries the soak's id, so a fault can pick this soak's verdicts.
          await api.reviews.verdict(reviewId, { label, handlingSeconds: 30, notes: `soak ${soakId}` });
          accepted = true;
          break;
        } catch (error) {
          if (retryable(error)) {
            crashed = true;
            continue;
          }
          // A resend after a crash finds the hold closed by the first attempt: that verdict counted.
          accepted = crashed && error instanceof HitlApiError && error.status === 409;
          if (!accepted) fail(`verdict ${reviewId}: ${String(error)}`);
          break;
        }
      }
      if (!accepted) continue;
      const record = sent.get(decisionId);
      if (!record) fail(`claimed ${reviewId} of unknown decision ${decisionId}`);
      else if (record.verdict !== undefined) fail(`${decisionId} decided twice`);
      else {
        record.verdict = label;
        verdicts += 1;
        verdictMs.push(performance.now() - t0);
      }
    }
  };

  // ---- the run ------------------------------------------------------------------------------------
  const windows: SoakWindow[] = [];
  const started = performance.now();
  let lastWindow = { atS: 0, answered: 0, verdicts: 0, crashes: 0, latencies: 0 };
  const closeWindow = async (phase: string) => {
    const fired = (await firedReports()).length;
    const atS = (performance.now() - started) / 1000;
    const latencies = decisionMs.slice(lastWindow.latencies);
    const w: SoakWindow = {
      atS,
      seconds: atS - lastWindow.atS,
      decisions: answered - lastWindow.answered,
      verdicts: verdicts - lastWindow.verdicts,
      crashes: fired - lastWindow.crashes,
      decisionP95Ms: summarize(latencies).p95,
      memoryMb: memory(),
    };
    // The closing window right after a ticked one holds nothing: leave it out of the chart.
    if (w.seconds < 1 && w.decisions + w.verdicts + w.crashes === 0) return;
    windows.push(w);
    lastWindow = { atS, answered, verdicts, crashes: fired, latencies: decisionMs.length };
    progress(
      `soak ${phase} ${atS.toFixed(0)} s: ${sent.size} sent, ${answered} answered (${(w.decisions / Math.max(w.seconds, 0.001)).toFixed(1)}/s), ` +
        `${verdicts} verdicts, ${undecided().length} held waiting, crashes ${fired}/${armed.size} armed, ` +
        `resends ${redeliveries.httpResends + redeliveries.verdictResends}, errors ${errors.count}`,
    );
  };
  const ticker = setInterval(() => {
    if (restarting)
      return progress(
        `soak: the cloud is restarting (${((performance.now() - started) / 1000).toFixed(0)} s)`,
      );
    closeWindow(reviewing ? "traffic" : "drain").catch((error: unknown) =>
      fail(`progress: ${String(error)}`),
    );
  }, windowMs);
  let restart: { atS: number; downMs: number } | undefined;
  let restarted: Promise<void> = Promise.resolve();
  const restartTimer =
    options.restartAtMs !== undefined && target.restart
      ? setTimeout(() => {
          restarted = (async () => {
            firedBeforeRestart = await firedReports();
            restarting = true;
            const atS = (performance.now() - started) / 1000;
            progress(`soak: restarting the whole cloud at ${atS.toFixed(0)} s`);
            const t0 = performance.now();
            await target.restart?.();
            restart = { atS, downMs: performance.now() - t0 };
            restarting = false;
            progress(`soak: the cloud is back after ${(restart.downMs / 1000).toFixed(1)} s`);
          })().catch((error: unknown) => {
            restarting = false;
            fail(`restart: ${String(error)}`);
          });
        }, options.restartAtMs)
      : undefined;
  const reviewers = target.reviewerTokens.slice(0, Math.max(1, options.reviewers)).map(reviewer);

  const inFlight = new Set<Promise<void>>();
  const interval = 1000 / options.rate;
  let i = 0;
  try {
    while (performance.now() - started < options.durationMs) {
      const due = started + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      while (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      const p = sendOne(i++).catch((error: unknown) => fail(String(error)));
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await Promise.all(inFlight);
    if (restartTimer) clearTimeout(restartTimer);
    await restarted;
    const trafficMs = performance.now() - started;
    for (const timer of timers) clearTimeout(timer);
    // What did not fire by the end of the traffic is disarmed: the drain and the check run clean.
    for (const f of await target.faults.list())
      if (armed.has(f.id) && f.state === "armed") await target.faults.disarm(f.id);

    const drainStarted = performance.now();
    while (undecided().length > 0 && performance.now() - drainStarted < (options.drainMs ?? 120_000))
      await sleep(500);
    reviewing = false;
    await Promise.all(reviewers);
    const drainMs = performance.now() - drainStarted;
    clearInterval(ticker);
    await closeWindow("drain");
    const leftHeld = undecided().length;

    const settleStarted = performance.now();
    const observed = await settled(analyst, [...sent.values()], options.settleMs ?? 90_000);
    const settleMs = performance.now() - settleStarted;
    const catchUpStarted = performance.now();
    const check = await caughtUp(target, soakId, [...sent.values()], observed, options.settleMs ?? 90_000);
    const catchUpMs = performance.now() - catchUpStarted;

    const fired = await firedReports();
    redeliveries.crashedInvocations = fired.length;
    const byTarget: Record<string, { planned: number; fired: number }> = {};
    for (const t of CRASH_TARGETS) byTarget[t.label] = { planned: 0, fired: 0 };
    for (const c of plan) (byTarget[c.target.label] as { planned: number }).planned += 1;
    for (const f of fired) {
      const label = armed.get(f.id)?.target.label;
      if (label) (byTarget[label] as { fired: number }).fired += 1;
    }
    const all = [...sent.values()];
    return {
      soakId,
      durationMs: options.durationMs,
      offeredRate: options.rate,
      sent: {
        decisions: all.length,
        http: all.filter((d) => d.via === "http").length,
        ingest: all.filter((d) => d.via === "ingest").length,
        held: all.filter((d) => d.held).length,
        copies: all.length + redeliveries.duplicateCopies,
      },
      answeredPerSecond: (answered * 1000) / trafficMs,
      verdictsPerSecond: (verdicts * 1000) / (trafficMs + drainMs),
      decisionLatencyMs: summarize(decisionMs),
      verdictLatencyMs: summarize(verdictMs),
      crashes: {
        planned: plan.length,
        fired: fired.length,
        byTarget,
        firedAfter: fired.map((f) => `${f.spec.fn} after write ${f.spec.afterWrite} (${f.operation ?? "?"})`),
      },
      redeliveries,
      errors,
      windows,
      phasesMs: { traffic: trafficMs, drain: drainMs, settle: settleMs, catchUp: catchUpMs },
      leftHeld,
      ...(restart ? { restart } : {}),
      check,
    };
  } finally {
    reviewing = false;
    clearInterval(ticker);
    if (restartTimer) clearTimeout(restartTimer);
    for (const timer of timers) clearTimeout(timer);
  }
}
