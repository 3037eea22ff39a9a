/**
 * Uncertainty-weighted audits against uniform audits at the same expected budget, by simulation
 * with known truth: 1,000 seeded populations of automated decisions per scenario, the 95% interval
 * of automated quality (share of automated answers that were right) from each design, its width and
 * whether it covers the population's true quality. `HITL_SIM_REPORT=1` prints the numbers that
 * docs/statistics.md quotes.
 */
import { describe, expect, it } from "vitest";
import {
  auditInclusionProbability,
  auditUncertainty,
  scaleForBudget,
} from "../../../core/assignment/uncertainty-audit";
import { seededRandom } from "../../../core/simulation/random";
import { type AuditedDecision, auditSums, automatedQuality } from "../../../core/stats/audit-estimators";
import { wilson } from "../../../core/stats/proportions";

const RUNS = 1000;
const AUTOMATED = 4000;
const BUDGET = 0.04;
const FLOOR = 0.01;
const THRESHOLD = 0.8;

/** 70% of automated decisions are easy (confidence 0.99–1), 30% hard (0.8–0.99), as with most production models. */
const confidence = (random: () => number) => (random() < 0.7 ? 1 - 0.01 * random() : 0.8 + 0.19 * random());

interface Result {
  uniformWidth: number;
  uniformCoverage: number;
  weightedWidth: number;
  weightedCoverage: number;
  /** Share of runs where the chooser picked prediction-powered inference. */
  predictionPowered: number;
  uniformAudits: number;
  weightedAudits: number;
}

/**
 * @param overconfidence k in P(right) = 1 − k·(1 − confidence): 1 is a calibrated model, 3 one that
 *   makes three times the errors its confidence admits (the audits must catch that)
 */
function simulate(seed: number, overconfidence: number): Result {
  const random = seededRandom(seed);
  // The policy's scale is set once from past traffic, as an operator would, not from each run.
  const history = Array.from({ length: 50_000 }, () =>
    auditUncertainty({ confidence: confidence(random) }, THRESHOLD),
  );
  const policy = { floor: FLOOR, scale: scaleForBudget(history, BUDGET, { floor: FLOOR }) };
  const r = {
    uniformWidth: 0,
    uniformCoverage: 0,
    weightedWidth: 0,
    weightedCoverage: 0,
    predictionPowered: 0,
    uniformAudits: 0,
    weightedAudits: 0,
  };
  for (let run = 0; run < RUNS; run++) {
    let right = 0;
    let uniformAudits = 0;
    let uniformRight = 0;
    const weighted: AuditedDecision[] = [];
    for (let i = 0; i < AUTOMATED; i++) {
      const c = confidence(random);
      const correct = random() < 1 - overconfidence * (1 - c);
      if (correct) right += 1;
      if (random() < BUDGET) {
        uniformAudits += 1;
        if (correct) uniformRight += 1;
      }
      const inclusionProbability = auditInclusionProbability({ confidence: c }, THRESHOLD, policy);
      const audited = random() < inclusionProbability;
      weighted.push({ inclusionProbability, audited, prediction: c, ...(audited ? { correct } : {}) });
    }
    const truth = right / AUTOMATED;
    // Uniform audits, estimated as the report does today: the audited share right, Wilson interval.
    const [uLow, uHigh] = wilson(uniformRight, uniformAudits);
    const w = automatedQuality(auditSums(weighted));
    const [wLow, wHigh] = w.interval;
    r.uniformWidth += (uHigh - uLow) / RUNS;
    r.uniformCoverage += (uLow <= truth && truth <= uHigh ? 1 : 0) / RUNS;
    r.weightedWidth += (wHigh - wLow) / RUNS;
    r.weightedCoverage += (wLow <= truth && truth <= wHigh ? 1 : 0) / RUNS;
    r.predictionPowered += (w.estimator === "prediction-powered" ? 1 : 0) / RUNS;
    r.uniformAudits += uniformAudits / RUNS;
    r.weightedAudits += weighted.filter((d) => d.audited).length / RUNS;
  }
  if (process.env.HITL_SIM_REPORT) console.log(JSON.stringify({ overconfidence, ...r }));
  return r;
}

describe("uncertainty-weighted audits, by simulation with known truth", () => {
  it.each([
    ["a calibrated model", 1],
    ["a model three times more often wrong than its confidence says", 3],
  ])(
    "give a narrower 95% interval of automated quality than uniform audits, covering the truth in ≥ 94% of 1,000 runs, for %s",
    (_name, overconfidence) => {
      const r = simulate(overconfidence === 1 ? 41 : 43, overconfidence);

      // The same expected budget: 4% of 4,000 automated decisions, 160 audits.
      expect(r.uniformAudits).toBeCloseTo(AUTOMATED * BUDGET, -1);
      expect(r.weightedAudits).toBeCloseTo(AUTOMATED * BUDGET, -1);
      expect(r.weightedCoverage).toBeGreaterThanOrEqual(0.94);
      expect(r.weightedWidth).toBeLessThan(0.9 * r.uniformWidth);
    },
  );
});
