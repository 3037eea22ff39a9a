/** Command-line options of `npm run bench` (pure, unit-tested). */

export interface BenchOptions {
  /** Automated decisions measured in the routing scenario. */
  decisions: number;
  /** Requests in flight at once (routing, held routing and the DynamoDB floor). */
  concurrency: number;
  /** Decisions routed before measuring (not counted). */
  warmup: number;
  /** Held decisions in the review scenario. */
  held: number;
  /** Simulated reviewers working the held items at once. */
  reviewers: number;
  /** Soak: minutes of traffic (fractions allowed). */
  soakMinutes: number;
  /** Soak: decisions per second offered. */
  soakRate: number;
  /** Soak: worker crashes armed per minute. */
  soakCrashes: number;
  /** Soak: reviewers (`--reviewers` sets it too). */
  soakReviewers: number;
  /** Soak: restart the whole cloud in the middle (on a cloud of its own with a data folder). */
  soakRestart: boolean;
  /** Scenario names in the order they run. */
  scenarios: string[];
  quick: boolean;
  /** Where the JSON result goes. */
  outDir: string;
  /** Every local cloud log line to stderr. */
  verbose: boolean;
  /** Functions count their SDK calls (HITL_COUNT_OPERATIONS=1); off only to measure what counting costs. */
  countOperations: boolean;
  help: boolean;
}

export const DEFAULTS: Readonly<BenchOptions> = Object.freeze({
  decisions: 2000,
  concurrency: 16,
  warmup: 100,
  held: 200,
  reviewers: 16,
  soakMinutes: 3,
  soakRate: 4,
  soakCrashes: 4,
  soakReviewers: 4,
  soakRestart: false,
  scenarios: [],
  quick: false,
  outDir: "bench/results",
  verbose: false,
  countOperations: true,
  help: false,
});

/** `--quick`: a smoke test of every scenario in well under a minute after start-up. */
export const QUICK = Object.freeze({ decisions: 300, held: 40, warmup: 50, soakMinutes: 1 });

export const USAGE = `npm run bench -- [options]

  --scenario a,b       scenarios to run (default: all; see bench/README.md)
  --decisions N        automated decisions to measure (default ${DEFAULTS.decisions})
  --concurrency C      requests in flight (default ${DEFAULTS.concurrency})
  --warmup W           decisions routed first and not measured (default ${DEFAULTS.warmup})
  --held M             held decisions for the review scenario (default ${DEFAULTS.held})
  --reviewers R        simulated reviewers (default ${DEFAULTS.reviewers})
  --minutes T          soak: minutes of traffic (default ${DEFAULTS.soakMinutes}; fractions allowed)
  --rate R             soak: decisions per second (default ${DEFAULTS.soakRate})
  --crashes K          soak: worker crashes per minute (default ${DEFAULTS.soakCrashes}; 0 for none)
  --restart            soak: stop and start the whole cloud in the middle (its own cloud, with a data folder)
  --quick              small run: N=${QUICK.decisions}, M=${QUICK.held}, warm-up ${QUICK.warmup}, soak ${QUICK.soakMinutes} min
  --out DIR            where the JSON result goes (default ${DEFAULTS.outDir})
  --verbose            every local cloud log line on stderr
  --no-count           functions do not count their SDK calls (to see what counting costs)
`;

/** A bad command line: printed without a stack. */
export class UsageError extends Error {
  override name = "UsageError";
}

function positiveInt(flag: string, value: string | undefined, min = 1): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} needs an integer ≥ ${min}, got ${value ?? "nothing"}`);
  return n;
}

/** A finite number > 0 (or ≥ 0 with `zero`), fractions allowed. */
function positiveNumber(flag: string, value: string | undefined, zero = false): number {
  const n = Number(value);
  if (value === undefined || value.trim() === "" || !Number.isFinite(n) || n < 0 || (n === 0 && !zero))
    throw new UsageError(`${flag} needs a number ${zero ? "≥" : ">"} 0, got ${value ?? "nothing"}`);
  return n;
}

/** Parses argv (without node and the script); explicit sizes win over --quick. */
export function parseArgs(argv: readonly string[], known: readonly string[]): BenchOptions {
  const options: BenchOptions = { ...DEFAULTS, scenarios: [] };
  const explicit = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    const [flag, inline] = raw.includes("=")
      ? (raw.split(/=(.*)/s, 2) as [string, string])
      : [raw, undefined];
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case "--decisions":
        options.decisions = positiveInt(flag, value());
        explicit.add("decisions");
        break;
      case "--concurrency":
        options.concurrency = positiveInt(flag, value());
        break;
      case "--warmup":
        options.warmup = positiveInt(flag, value(), 0);
        explicit.add("warmup");
        break;
      case "--held":
        options.held = positiveInt(flag, value());
        explicit.add("held");
        break;
      case "--reviewers":
        options.reviewers = positiveInt(flag, value());
        options.soakReviewers = options.reviewers;
        break;
      case "--minutes":
        options.soakMinutes = positiveNumber(flag, value());
        explicit.add("soakMinutes");
        break;
      case "--rate":
        options.soakRate = positiveNumber(flag, value());
        break;
      case "--crashes":
        options.soakCrashes = positiveNumber(flag, value(), true);
        break;
      case "--scenario":
      case "--scenarios": {
        const names = (value() ?? "")
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
        const unknown = names.filter((n) => !known.includes(n));
        if (names.length === 0 || unknown.length > 0)
          throw new UsageError(
            `--scenario: unknown ${unknown.join(", ") || "(none given)"}; known: ${known.join(", ")}`,
          );
        options.scenarios = names;
        break;
      }
      case "--restart":
        options.soakRestart = true;
        break;
      case "--quick":
        options.quick = true;
        break;
      case "--out":
        options.outDir = value() ?? "";
        if (!options.outDir) throw new UsageError("--out needs a folder");
        break;
      case "--verbose":
        options.verbose = true;
        break;
      case "--no-count":
        options.countOperations = false;
        break;
      case "--help":
      case "-h":
        options.help = true;
        break;
      default:
        throw new UsageError(`unknown option ${raw}\n\n${USAGE}`);
    }
  }
  if (options.quick) {
    if (!explicit.has("decisions")) options.decisions = QUICK.decisions;
    if (!explicit.has("held")) options.held = QUICK.held;
    if (!explicit.has("warmup")) options.warmup = QUICK.warmup;
    if (!explicit.has("soakMinutes")) options.soakMinutes = QUICK.soakMinutes;
  }
  if (options.scenarios.length === 0) options.scenarios = [...known];
  return options;
}
