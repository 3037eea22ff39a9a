/**
 * The agreement family a report shows for one set of multi-reviewed items, and the flag that says
 * the task definition is read differently by different reviewers.
 */

import { AGREEMENT_THRESHOLD } from "./agreement";
import { type FleissResult, fleiss, type LabelAgreement, perLabelAgreement } from "./fleiss";
import { type AlphaResult, alpha, type BootstrapOptions } from "./krippendorff";
import type { RatingProfile } from "./ratings";

export interface AgreementSummaryOptions {
  /** The labels reviewers choose from (every one is reported, used or not); lowest first when `ordered`. */
  labels?: readonly string[];
  /** The labels are ordered: adds ordinal and interval alpha, and the flag reads ordinal alpha. */
  ordered?: boolean;
  /** Flag below this (default {@link AGREEMENT_THRESHOLD}, 0.6). */
  threshold?: number;
  /** Coverage of every interval (default 0.95). */
  confidence?: number;
  /** Bootstrap for alpha's intervals (default 1000 samples, seed 1); `false` for none. */
  bootstrap?: Omit<BootstrapOptions, "confidence"> | false;
}

export interface AgreementSummary {
  fleiss: FleissResult;
  alpha: { nominal: AlphaResult; ordinal?: AlphaResult; interval?: AlphaResult };
  perLabel: Record<string, LabelAgreement>;
  threshold: number;
  /** The statistic the flag reads: Fleiss' kappa, or ordinal alpha for ordered labels. */
  flaggedOn: "fleiss-kappa" | "alpha-ordinal";
  /** That statistic is below the threshold; null when it is undefined (too few or uniform ratings). */
  low: boolean | null;
}

/**
 * Fleiss' kappa, Krippendorff's alpha (nominal; ordinal and interval for ordered labels),
 * per-label agreement and the low-agreement flag, from per-item label counts.
 *
 * @throws RangeError for invalid profiles, a label outside `labels` when `ordered`, a threshold
 *   outside (−1, 1] or bad interval options
 *
 * @example
 * ```ts
 * import { agreementSummary } from "hitl-lab/stats";
 * agreementSummary([{ counts: { approve: 2 }, items: 40 }, { counts: { approve: 1, deny: 1 }, items: 9 }], {
 *   labels: ["approve", "deny"],
 * }).low; // false or true
 * ```
 */
export function agreementSummary(
  profiles: readonly RatingProfile[],
  options: AgreementSummaryOptions = {},
): AgreementSummary {
  const threshold = options.threshold ?? AGREEMENT_THRESHOLD;
  if (!(threshold > -1 && threshold <= 1)) {
    throw new RangeError(`agreementSummary: threshold must be in (−1, 1], got ${threshold}`);
  }
  const confidence = options.confidence ?? 0.95;
  const bootstrap = options.bootstrap === false ? false : { ...options.bootstrap, confidence };
  const labels = options.labels ?? [];
  if (options.ordered && labels.length < 2) {
    throw new RangeError("agreementSummary: ordered labels need labels, at least two, lowest first");
  }
  const summary: AgreementSummary = {
    fleiss: fleiss(profiles, { confidence }),
    alpha: { nominal: alpha(profiles, { bootstrap }) },
    perLabel: perLabelAgreement(profiles, labels),
    threshold,
    flaggedOn: options.ordered ? "alpha-ordinal" : "fleiss-kappa",
    low: null,
  };
  if (options.ordered) {
    summary.alpha.ordinal = alpha(profiles, { level: "ordinal", order: labels, bootstrap });
    summary.alpha.interval = alpha(profiles, { level: "interval", order: labels, bootstrap });
  }
  const read = options.ordered ? (summary.alpha.ordinal?.alpha ?? Number.NaN) : summary.fleiss.kappa;
  summary.low = Number.isNaN(read) ? null : read < threshold;
  return summary;
}
