/**
 * Replay of historical decisions: automation rate, error rates and cost per decision for a sweep of
 * confidence thresholds, and the cheapest threshold that meets a target error rate. Pure: the CLI
 * reads the file and feeds lines in.
 */

export { type HistoricalDecision, type Label, type LineResult, parseDecisionLine } from "./decision";
export {
  type BadLine,
  type CostModel,
  DEFAULT_COST_MODEL,
  DEFAULT_MAX_LISTED_BAD_LINES,
  type HumanCost,
  type Recommendation,
  ReplayAccumulator,
  type ReplayOptions,
  type ReplayResult,
  replayLines,
  type ThresholdRow,
} from "./replay";
export { normalizeThresholds, parseThresholdList, thresholdRange } from "./thresholds";
