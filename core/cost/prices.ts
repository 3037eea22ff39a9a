/**
 * AWS prices the infrastructure cost model multiplies operation counts by. Defaults: the design
 * brief's table (us-east-1, late 2026; docs/metrics.md). Check them against AWS's pricing pages
 * before publishing numbers; override any of them with {@link withPrices}.
 */
export interface Prices {
  /** HTTP API (API Gateway v2), per request. */
  httpApiRequestUsd: number;
  /** Lambda, per invocation. */
  lambdaRequestUsd: number;
  /** Lambda duration on arm64, per GB-second. */
  lambdaGbSecondUsd: number;
  /** SQS standard, per request (each 64 KB chunk). */
  sqsRequestUsd: number;
  /** Step Functions Standard, per state transition. */
  standardTransitionUsd: number;
  /** Step Functions Express, per execution. */
  expressRequestUsd: number;
  /** Step Functions Express duration, per GB-second (billed in 64 MB and 100 ms units). */
  expressGbSecondUsd: number;
  /** DynamoDB on demand, per write request unit (a transactional write of ≤ 1 KB costs 2). */
  dynamoWriteUnitUsd: number;
  /** DynamoDB on demand, per read request unit. */
  dynamoReadUnitUsd: number;
}

export const DEFAULT_PRICES: Readonly<Prices> = Object.freeze({
  httpApiRequestUsd: 1.0 / 1e6,
  lambdaRequestUsd: 0.2 / 1e6,
  lambdaGbSecondUsd: 0.0000133334,
  sqsRequestUsd: 0.4 / 1e6,
  standardTransitionUsd: 0.025 / 1000,
  expressRequestUsd: 1.0 / 1e6,
  expressGbSecondUsd: 0.00001667,
  dynamoWriteUnitUsd: 0.625 / 1e6,
  dynamoReadUnitUsd: 0.125 / 1e6,
});

/** The default prices with some replaced; every price must be a finite number ≥ 0. */
export function withPrices(overrides: Partial<Prices> = {}): Prices {
  const prices: Prices = { ...DEFAULT_PRICES, ...overrides };
  for (const [name, value] of Object.entries(prices)) {
    if (!Number.isFinite(value) || value < 0)
      throw new RangeError(`price ${name} must be a finite number ≥ 0, got ${String(value)}`);
  }
  return prices;
}
