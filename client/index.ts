/**
 * `hitl-lab/client`: a typed client of the hitl-lab HTTP API. Its operations are the OpenAPI
 * document's (core/api/routes.ts), typed with the same zod-inferred request types the API
 * validates with. Throttled requests are retried; 5xx answers and lost connections are retried
 * for idempotent operations only; a decision gets a `decisionId` before its first attempt, so a
 * retried POST returns the first answer and is stored and counted once.
 */
import type { z } from "zod";
import type { AuditEntry } from "../core/audit/entry";
import type { DecisionRecord } from "../core/decisions/record";
import type { DecisionRequest, DecisionResponse } from "../core/decisions/schema";
import type { ExperimentHistory } from "../core/experiments/history";
import type { Experiment, ExperimentInput } from "../core/experiments/schema";
import type { AckRequest, AckResult } from "../core/feedback/acknowledge";
import type { GroundTruthResult, GroundTruthSchema } from "../core/feedback/ground-truth";
import type { ImplicitSignal, SignalInputSchema, SignalResult } from "../core/feedback/types/signals";
import type { ReportQuerySchema } from "../core/report/get-report";
import type { ExperimentReport } from "../core/report/types";
import type { QueueStats, ReviewHandoff, VerdictResult } from "../core/review/desk";
import type { QueueHistory } from "../core/review/queue-history";
import type { QueueHistoryQuerySchema } from "../core/review/queue-history-query";
import type { VerdictRequest } from "../core/review/verdict";
import type { GoldUploadResult } from "../core/reviewers/gold-upload";
import type { Qualification } from "../core/reviewers/qualification";
import type { ScorecardPage, ScorecardQuery } from "../core/reviewers/scorecard-query";
import type { StandingChange } from "../core/reviewers/standing";
import { jsonLinesParts } from "./lines";
import { type Answer, type HitlClientOptions, Transport } from "./transport";

export type { ApiErrorCode } from "../core/api/errors";
export { HitlApiError, HitlNetworkError } from "./errors";
export type { HitlClientOptions, RetryOptions } from "./transport";
export type {
  AckRequest,
  AckResult,
  AuditEntry,
  DecisionRequest,
  DecisionResponse,
  Experiment,
  ExperimentHistory,
  ExperimentInput,
  ExperimentReport,
  GoldUploadResult,
  GroundTruthResult,
  ImplicitSignal,
  Qualification,
  QueueHistory,
  QueueStats,
  ReviewHandoff,
  ScorecardPage,
  ScorecardQuery,
  SignalResult,
  StandingChange,
  VerdictRequest,
  VerdictResult,
};

export type Decision = Omit<DecisionRecord, "requestHash">;
/** The answer to a decision, and whether it is the first answer again (a retry or a resend). */
export type DecisionAnswer = DecisionResponse & { replayed: boolean };
export type GroundTruthRequest = z.input<typeof GroundTruthSchema>;
export type SignalRequest = z.input<typeof SignalInputSchema>;
/** `since`/`until` as ISO 8601 times; `queue` keeps a queue and its tiers. */
export type QueueHistoryQuery = Partial<z.input<typeof QueueHistoryQuerySchema>>;
export type ReportQuery = Partial<Record<keyof z.input<typeof ReportQuerySchema>, string | number>>;

export interface FeedbackPage {
  /** The page as JSON Lines, exactly as served (one feedback record per line). */
  text: string;
  records: number;
  /** The next page's cursor; absent on the last page. */
  nextCursor?: string;
}

/** A gold part stays well under the API's 256,000-byte body limit. */
const GOLD_PART_BYTES = 200_000;

const replayed = (answer: Answer<unknown>) => answer.headers.get("x-hitl-replayed") === "true";
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class HitlClient {
  private readonly http: Transport;
  private readonly newId: () => string;

  constructor(options: HitlClientOptions & { newDecisionId?: () => string }) {
    this.http = new Transport(options);
    this.newId = options.newDecisionId ?? (() => crypto.randomUUID());
  }

  private async body<T>(operationId: string, call?: Parameters<Transport["call"]>[1]): Promise<T> {
    return (await this.http.call<T>(operationId, call)).body;
  }

  readonly decisions = {
    /** Routes a decision. Without a `decisionId` one is made up first, so every retry sends the same one. */
    send: async (request: DecisionRequest): Promise<DecisionAnswer> => {
      const body = request.decisionId ? request : { ...request, decisionId: this.newId() };
      const answer = await this.http.call<DecisionResponse>("sendDecision", { body });
      return { ...answer.body, replayed: replayed(answer) };
    },
    get: (id: string) => this.body<Decision>("getDecision", { params: { id } }),
    /**
     * Polls until the decision has its final outcome (automated decisions have it at once, held
     * ones when a reviewer decides or the SLA fallback applies), or the time runs out.
     */
    outcome: async (
      id: string,
      options: { timeoutMs?: number; pollMs?: number } = {},
    ): Promise<Decision & { outcome: string }> => {
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      for (;;) {
        const decision = await this.decisions.get(id);
        if (decision.outcome !== undefined) return decision as Decision & { outcome: string };
        // A withdrawn decision never gets one: waiting on would only run out the time.
        if (decision.status === "withdrawn")
          throw new Error(`decision ${id} was withdrawn; it has no outcome`);
        if (Date.now() >= deadline) throw new Error(`decision ${id} has no outcome yet (${decision.status})`);
        await sleep(options.pollMs ?? 1000);
      }
    },
    audit: (id: string) =>
      this.body<{ decisionId: string; entries: AuditEntry[] }>("getDecisionAudit", { params: { id } }),
    withdraw: (id: string, reason?: string) =>
      this.body<{ decisionId: string; status: "withdrawn" }>("withdrawDecision", {
        params: { id },
        ...(reason === undefined ? {} : { body: { reason } }),
      }),
    groundTruth: (id: string, request: GroundTruthRequest) =>
      this.body<GroundTruthResult>("attachGroundTruth", { params: { id }, body: request }),
    /** What the product's users did with a settled outcome; sending a `signalId` again changes nothing. */
    signal: (id: string, request: SignalRequest) =>
      this.body<SignalResult>("sendSignal", { params: { id }, body: request }),
  };

  readonly experiments = {
    list: async () => (await this.body<{ experiments: Experiment[] }>("listExperiments")).experiments,
    create: (input: ExperimentInput) => this.body<Experiment>("createExperiment", { body: input }),
    get: (id: string) => this.body<Experiment>("getExperiment", { params: { id } }),
    update: (id: string, input: ExperimentInput) =>
      this.body<Experiment>("updateExperiment", { params: { id }, body: input }),
    /** Every config version, oldest first, and the experiment's audit trail. */
    versions: (id: string) => this.body<ExperimentHistory>("getExperimentVersions", { params: { id } }),
    report: (id: string, query: ReportQuery = {}) =>
      this.body<ExperimentReport>("getReport", { params: { id }, query }),
  };

  readonly reviews = {
    queues: async () => (await this.body<{ queues: QueueStats[] }>("listQueues")).queues,
    /** Each queue and tier's depth, oldest age, near and past SLA over a window (default: the last day). */
    queueHistory: (query: QueueHistoryQuery = {}) =>
      this.body<QueueHistory>("getQueueHistory", { query: { ...query } }),
    /** Leases the most urgent item; `null` when the queue has nothing (of that experiment) to claim. */
    claim: async (queue: string, options: { experimentId?: string } = {}): Promise<ReviewHandoff | null> => {
      const answer = await this.body<ReviewHandoff | { review: null }>("claimNext", {
        params: { queue },
        query: { experimentId: options.experimentId },
      });
      return answer.review === null ? null : (answer as ReviewHandoff);
    },
    get: (id: string) => this.body<ReviewHandoff>("getReview", { params: { id } }),
    verdict: (id: string, verdict: VerdictRequest) =>
      this.body<VerdictResult>("submitVerdict", { params: { id }, body: verdict }),
    release: (id: string) =>
      this.body<{ reviewId: string; status: "pending" }>("releaseReview", { params: { id } }),
    heartbeat: (id: string) => this.body<{ leaseUntil: string }>("extendLease", { params: { id } }),
  };

  readonly feedback = {
    page: async (
      query: { since?: string; limit?: number; cursor?: string; format?: string } = {},
    ): Promise<FeedbackPage> => {
      const answer = await this.http.call<string>("exportFeedback", { query, text: true });
      const cursor = answer.headers.get("x-next-cursor");
      return {
        text: answer.body,
        records: answer.body.split("\n").filter((line) => line !== "").length,
        ...(cursor ? { nextCursor: cursor } : {}),
      };
    },
    ack: (request: AckRequest) => this.body<AckResult>("acknowledgeFeedback", { body: request }),
  };

  /** Known-answer items of a review queue (admin). */
  readonly gold = {
    /**
     * Adds JSON Lines of gold items to a queue, all or nothing (one request: keep it under the
     * API's 256 kB). `dryRun` checks every line against the experiment's labels and stores nothing.
     */
    add: (queue: string, jsonLines: string, options: { experimentId?: string; dryRun?: boolean } = {}) =>
      this.body<GoldUploadResult>("addGold", {
        params: { queue },
        query: { experimentId: options.experimentId, dryRun: options.dryRun ? "true" : undefined },
        raw: { text: jsonLines, contentType: "application/x-ndjson" },
      }),
    /**
     * Adds a gold file of any size: sent in parts of whole lines under the API's body limit, every
     * part checked first (a dry run each), then stored. A bad line anywhere stores nothing; a
     * failure while storing leaves the parts before it stored (sending the file again is safe:
     * the same items get the same ids).
     */
    upload: async (
      queue: string,
      jsonLines: string,
      options: { experimentId?: string; partBytes?: number } = {},
    ): Promise<GoldUploadResult & { parts: number }> => {
      const parts = jsonLinesParts(jsonLines, options.partBytes ?? GOLD_PART_BYTES);
      if (parts.length === 0) throw new Error("the gold upload has no items");
      const experiment = options.experimentId === undefined ? {} : { experimentId: options.experimentId };
      for (const part of parts) await this.gold.add(queue, part, { ...experiment, dryRun: true });
      let added = 0;
      let last: GoldUploadResult | undefined;
      for (const part of parts) {
        last = await this.gold.add(queue, part, experiment);
        added += last.added;
      }
      return { ...(last as GoldUploadResult), added, parts: parts.length };
    },
  };

  /** Reviewers' scorecards and standing per queue. */
  readonly reviewers = {
    /** Every reviewer's scorecard per queue (admin); narrow with `queue`, `reviewer`, `from`, `to`. */
    scorecards: (query: ScorecardQuery = {}) =>
      this.body<ScorecardPage>("listScorecards", { query: { ...query } }),
    /** The caller's own scorecards (a reviewer's token). */
    mine: (query: Omit<ScorecardQuery, "reviewer"> = {}) =>
      this.body<ScorecardPage>("myScorecard", { query: { ...query } }),
    /** Pauses a reviewer in a queue (audit-trailed); the answer is their new standing. */
    pause: (reviewer: string, change: StandingChange) =>
      this.body<Qualification>("pauseReviewer", { params: { reviewer }, body: change }),
    /** Reinstates a paused reviewer in a queue; a new evaluation starts. */
    reinstate: (reviewer: string, change: StandingChange) =>
      this.body<Qualification>("reinstateReviewer", { params: { reviewer }, body: change }),
  };

  /** The API's OpenAPI document (no token needed). */
  openApi = () => this.body<Record<string, unknown>>("getOpenApi");
}
