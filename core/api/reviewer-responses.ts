/**
 * Schemas of the answers of the signal, gold, scorecard and standing routes, for the OpenAPI
 * document only; compile-time checks tie each to the type the code returns.
 */
import { z } from "zod";
import { SIGNAL_TYPES } from "../feedback/types/schema";
import type { SignalResult } from "../feedback/types/signals";
import type { GoldUploadResult } from "../reviewers/gold-upload";
import type { Qualification } from "../reviewers/qualification";
import type { QueueAgreement, ReviewerScorecard, ScorecardPage } from "../reviewers/scorecard-query";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A number, or null when there is nothing to compute it from. */
const num = z.number().nullable();
const interval = z.tuple([num, num]).meta({ description: "95% Wilson interval" });

export const SignalResultSchema = z
  .object({
    decisionId: z.string(),
    signal: z.object({
      signalId: z.string(),
      type: z.enum(SIGNAL_TYPES),
      at: z.string(),
      detail: z.record(z.string(), z.unknown()).optional(),
      receivedAt: z.string(),
      actor: z.string(),
      judged: z
        .object({
          route: z.enum(["auto", "human"]),
          outcome: z.string(),
          outcomeSource: z.enum(["model", "reviewer", "fallback"]),
          audited: z.boolean(),
        })
        .meta({ description: "what the signal judged when it arrived" }),
      marksWrong: z
        .boolean()
        .meta({ description: "the experiment counts this signal type as the outcome wrong" }),
    }),
    replayed: z.boolean().meta({ description: "the same signalId was stored before; nothing changed" }),
  })
  .meta({ id: "SignalResult" });

export const GoldUploadSchema = z
  .object({
    queue: z.string(),
    experimentId: z.string().meta({ description: "the experiment whose labels checked the items" }),
    added: z.number().int(),
    pool: z.number().int().meta({ description: "gold items of the queue after the upload" }),
    checked: z.number().int().optional().meta({ description: "a dry run: the items that would be added" }),
  })
  .meta({ id: "GoldUpload" });

const QUALIFICATION_STATUSES = ["qualifying", "qualified", "paused"] as const;

export const StandingSchema = z
  .object({
    reviewer: z.string(),
    queue: z.string(),
    status: z.enum(QUALIFICATION_STATUSES),
    gold: z.number().int().meta({ description: "gold verdicts since the evaluation started" }),
    goldCorrect: z.number().int(),
    since: z.string().meta({ description: "when the evaluation started" }),
    lastPassAt: z.string().optional(),
    changedAt: z.string(),
    changedBy: z.string().meta({ description: '"system" or an admin' }),
    reason: z.string(),
  })
  .meta({ id: "Standing" });

const ScorecardSchema = z
  .object({
    reviewer: z.string(),
    queue: z.string(),
    decided: z.number().int().meta({ description: "verdicts on real items" }),
    handlingSeconds: z.object({ median: num, p90: num, mean: num }),
    gold: z.object({ items: z.number().int(), correct: z.number().int(), accuracy: num, interval }),
    peers: z.object({ pairs: z.number().int(), agreement: num, kappa: num }),
    adjudication: z.object({ items: z.number().int(), upheld: z.number().int(), rate: num, interval }),
    overrides: z.object({ count: z.number().int(), rate: num }),
    sla: z.object({ within: z.number().int(), share: num }),
    labels: z.record(z.string(), z.object({ count: z.number().int(), share: num, restShare: num })),
    labelShift: z
      .object({ distance: num, pValue: num })
      .meta({ description: "total variation distance from the rest of the queue, chi-square p-value" }),
    releases: z.number().int(),
    leaseExpiries: z.number().int(),
    standing: z
      .object({
        status: z.enum(QUALIFICATION_STATUSES),
        since: z.string(),
        reason: z.string(),
        changedBy: z.string(),
      })
      .nullable(),
  })
  .meta({ id: "Scorecard" });

const QueueAgreementSchema = z
  .object({
    queue: z.string(),
    items: z.number().int().meta({ description: "items with several blind reviews in the period" }),
    summary: z
      .looseObject({
        fleiss: z.looseObject({ kappa: z.number() }),
        alpha: z.looseObject({ nominal: z.looseObject({ alpha: z.number() }) }),
        perLabel: z.record(z.string(), z.looseObject({})),
        threshold: z.number(),
        flaggedOn: z.enum(["fleiss-kappa", "alpha-ordinal"]),
        low: z.boolean().nullable(),
      })
      .nullable()
      .meta({
        description: "Fleiss' kappa, Krippendorff's alpha and the low-agreement flag: docs/review.md",
      }),
    weightedKappa: z.number().nullable().meta({
      description: "ordered labels: linear weighted kappa over every pair of blind reviewers; else null",
    }),
  })
  .meta({ id: "QueueAgreement" });

export const ScorecardPageSchema = z
  .object({
    from: z.string().nullable(),
    to: z.string().nullable(),
    reviewers: z.array(ScorecardSchema),
    queues: z.array(QueueAgreementSchema),
  })
  .meta({ id: "Scorecards" });

// Compile-time checks: the documented shapes are the returned types.
const _signal: Same<keyof z.infer<typeof SignalResultSchema>["signal"], keyof SignalResult["signal"]> = true;
const _gold: Same<z.infer<typeof GoldUploadSchema>, GoldUploadResult> = true;
const _standing: Same<z.infer<typeof StandingSchema>, Qualification> = true;
const _card: Same<z.infer<typeof ScorecardSchema>, ReviewerScorecard> = true;
const _queue: Same<keyof z.infer<typeof QueueAgreementSchema>, keyof QueueAgreement> = true;
const _page: Same<keyof z.infer<typeof ScorecardPageSchema>, keyof ScorecardPage> = true;
void [_signal, _gold, _standing, _card, _queue, _page];
