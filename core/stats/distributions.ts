/**
 * Probability distributions the tests need: normal, Student t and chi-square, built on the
 * regularized incomplete gamma and beta functions (Numerical Recipes, 3rd ed., §6.1–6.4).
 *
 * Upper tails (`*Sf`) are computed directly rather than as `1 - cdf`, so tiny p-values keep their
 * relative precision.
 */

const EPS = 1e-15;
const TINY = 1e-300;
const MAX_ITERATIONS = 100_000;

// Lanczos approximation, g = 7, n = 9: about 15 significant digits for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** Natural logarithm of the gamma function, for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma: x must be > 0, got ${x}`);
  if (x < 0.5) {
    // Reflection keeps the approximation in its accurate range.
    return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  }
  const z = x - 1;
  let series = LANCZOS[0] ?? 1;
  for (let i = 1; i < LANCZOS.length; i++) series += (LANCZOS[i] ?? 0) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(series);
}

// Stirling-series remainder lnΓ(x) − [(x − ½)·ln x − x + ½·ln 2π], for x ≥ 10 (error < 1e-16).
function stirlingCorrection(x: number): number {
  const x2 = 1 / (x * x);
  return (
    (1 / 12 +
      x2 *
        (-1 / 360 + x2 * (1 / 1260 + x2 * (-1 / 1680 + x2 * (1 / 1188 + x2 * (-691 / 360360 + x2 / 156)))))) /
    x
  );
}

/**
 * ln B(a, b) = lnΓ(a) + lnΓ(b) − lnΓ(a + b), without the cancellation that the plain sum suffers
 * when an argument is large (Student t with a million degrees of freedom).
 */
export function lnBeta(a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`lnBeta: a and b must be > 0, got ${a}, ${b}`);
  const p = Math.min(a, b);
  const q = Math.max(a, b);
  if (q < 10) return lnGamma(p) + lnGamma(q) - lnGamma(p + q);
  const correction = stirlingCorrection(q) - stirlingCorrection(p + q);
  const logRatio = Math.log1p(-p / (p + q));
  if (p >= 10) {
    return (
      -0.5 * Math.log(q) +
      0.5 * Math.log(2 * Math.PI) +
      stirlingCorrection(p) +
      correction +
      (p - 0.5) * Math.log(p / (p + q)) +
      q * logRatio
    );
  }
  return lnGamma(p) + correction + p - p * Math.log(p + q) + (q - 0.5) * logRatio;
}

function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_ITERATIONS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - lnGamma(a));
}

// Modified Lentz evaluation of the continued fraction for Q(a, x); converges fast for x > a + 1.
function gammaContinuedFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGamma(a)) * h;
}

function checkGammaArgs(name: string, a: number, x: number): void {
  if (!(a > 0) || !Number.isFinite(a))
    throw new RangeError(`${name}: a must be a finite number > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`${name}: x must be >= 0, got ${x}`);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function regularizedGammaP(a: number, x: number): number {
  checkGammaArgs("regularizedGammaP", a, x);
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate when it is tiny. */
export function regularizedGammaQ(a: number, x: number): number {
  checkGammaArgs("regularizedGammaQ", a, x);
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaContinuedFraction(a, x);
}

// Modified Lentz evaluation of the continued fraction for I_x(a, b) (NR eq. 6.4.5).
function betaContinuedFraction(a: number, b: number, x: number): number {
  const qab = a + b;
  const qap = a + 1;
  const qam = a - 1;
  let c = 1;
  let d = 1 - (qab * x) / qap;
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m < MAX_ITERATIONS; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (qab + m) * x) / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), for a, b > 0 and 0 ≤ x ≤ 1. */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`regularizedBeta: a and b must be > 0, got ${a}, ${b}`);
  if (!(x >= 0 && x <= 1)) throw new RangeError(`regularizedBeta: x must be in [0, 1], got ${x}`);
  if (x === 0) return 0;
  if (x === 1) return 1;
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - lnBeta(a, b);
  // The continued fraction converges fast only below the mean; use the symmetry above it.
  if (x < (a + 1) / (a + b + 2)) return (Math.exp(logFront) * betaContinuedFraction(a, b, x)) / a;
  return 1 - (Math.exp(logFront) * betaContinuedFraction(b, a, 1 - x)) / b;
}

/**
 * Quantile of the Beta(a, b) distribution: the x in [0, 1] with I_x(a, b) = p.
 *
 * Newton steps on I_x(a, b) − p (the derivative is the Beta density), kept inside a bracket that
 * shrinks every step, falling back to bisection when a step would leave it; stops at full double
 * precision. Used for exact (Clopper–Pearson) binomial bounds.
 *
 * @throws RangeError when p is outside [0, 1] or a, b are not > 0
 * @example betaQuantile(0.95, 1, 50); // 0.05815507911697225 (Clopper–Pearson upper for 0/50)
 */
export function betaQuantile(p: number, a: number, b: number): number {
  if (!(a > 0) || !(b > 0)) throw new RangeError(`betaQuantile: a and b must be > 0, got ${a}, ${b}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`betaQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return 0;
  if (p === 1) return 1;
  const logNorm = lnBeta(a, b);
  let lo = 0;
  let hi = 1;
  // Start at the mean: the cdf is smooth there and Newton converges from either side.
  let x = a / (a + b);
  for (let i = 0; i < 500; i++) {
    const f = regularizedBeta(x, a, b) - p;
    if (f === 0) return x;
    if (f < 0) lo = x;
    else hi = x;
    const logDensity = (a - 1) * Math.log(x) + (b - 1) * Math.log1p(-x) - logNorm;
    let next = x - f / Math.exp(logDensity);
    if (!(next > lo && next < hi) || !Number.isFinite(next)) next = (lo + hi) / 2;
    if (Math.abs(next - x) <= 1e-16 * Math.max(x, 1e-300) || hi - lo <= 1e-16 * hi) return next;
    x = next;
  }
  return x;
}

/**
 * Binomial cumulative distribution P(X ≤ k) for X ~ Binomial(n, p), through the identity
 * P(X ≤ k) = I_{1−p}(n − k, k + 1); small lower tails keep their relative precision.
 *
 * @param k a whole number (below 0 gives 0, n or more gives 1)
 * @param n a whole number ≥ 0 of trials
 * @param p success probability in [0, 1]
 * @throws RangeError for a non-integer k or n, a negative n, or p outside [0, 1]
 * @example binomialCdf(0, 50, 0.05); // 0.0769449752767133 (= 0.95⁵⁰)
 */
export function binomialCdf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k)) throw new RangeError(`binomialCdf: k must be a whole number, got ${k}`);
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`binomialCdf: n must be a whole number >= 0, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`binomialCdf: p must be in [0, 1], got ${p}`);
  if (k < 0) return 0;
  if (k >= n) return 1;
  if (p === 0) return 1;
  if (p === 1) return 0;
  return regularizedBeta(1 - p, n - k, k + 1);
}

/** Standard normal density φ(x). */
export function normalPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/**
 * Standard normal cumulative distribution Φ(x) = P(Z ≤ x).
 * @example normalCdf(1.959963984540054); // 0.975
 */
export function normalCdf(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x === 0) return 0.5;
  // Φ(x) = ½·erfc(−x/√2) and erfc(z) = Q(½, z²) for z ≥ 0.
  const tail = 0.5 * regularizedGammaQ(0.5, (x * x) / 2);
  return x < 0 ? tail : 1 - tail;
}

/** Standard normal upper tail 1 − Φ(x) = P(Z > x), accurate for large x. */
export function normalSf(x: number): number {
  return normalCdf(-x);
}

// Acklam's rational approximation (relative error < 1.15e-9), refined below with Halley steps.
const ACKLAM_A = [
  -3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1,
  2.506628277459239,
];
const ACKLAM_B = [
  -5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1,
];
const ACKLAM_C = [
  -7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968,
  2.938163982698783,
];
const ACKLAM_D = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];

function poly(coefficients: readonly number[], x: number): number {
  let result = 0;
  for (const c of coefficients) result = result * x + c;
  return result;
}

/**
 * Standard normal quantile Φ⁻¹(p), for 0 ≤ p ≤ 1 (±Infinity at the ends).
 * @throws RangeError when p is outside [0, 1]
 * @example normalQuantile(0.975); // 1.959963984540054
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`normalQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  const pLow = 0.02425;
  let x: number;
  if (p < pLow) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = poly(ACKLAM_C, q) / (poly(ACKLAM_D, q) * q + 1);
  } else if (p <= 1 - pLow) {
    const q = p - 0.5;
    const r = q * q;
    x = (poly(ACKLAM_A, r) * q) / (poly(ACKLAM_B, r) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log1p(-p));
    x = -poly(ACKLAM_C, q) / (poly(ACKLAM_D, q) * q + 1);
  }
  // Halley refinement against the accurate cdf, on the smaller tail to keep relative precision.
  for (let i = 0; i < 2; i++) {
    const e = x < 0 ? normalCdf(x) - p : 1 - p - normalSf(x);
    const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
    if (!Number.isFinite(u)) break;
    x -= u / (1 + (x * u) / 2);
  }
  return x;
}

function checkDf(name: string, df: number): void {
  if (!(df > 0)) throw new RangeError(`${name}: degrees of freedom must be > 0, got ${df}`);
}

// Above this many degrees of freedom the incomplete beta route loses digits to cancellation, while
// the Cornish–Fisher expansion of t in powers of 1/df (Abramowitz & Stegun 26.7.5) is exact to
// double precision as long as t² ≪ df.
const LARGE_DF = 1e5;

function cornishFisher(z: number, df: number): number {
  const z2 = z * z;
  const g1 = (z * (z2 + 1)) / 4;
  const g2 = (z * (3 + z2 * (16 + z2 * 5))) / 96;
  const g3 = (z * (-15 + z2 * (17 + z2 * (19 + z2 * 3)))) / 384;
  const g4 = (z * (-945 + z2 * (-1920 + z2 * (1482 + z2 * (776 + z2 * 79))))) / 92160;
  const v = 1 / df;
  return z + v * (g1 + v * (g2 + v * (g3 + v * g4)));
}

function cornishFisherSlope(z: number, df: number): number {
  const z2 = z * z;
  const d1 = (1 + 3 * z2) / 4;
  const d2 = (3 + z2 * (48 + z2 * 25)) / 96;
  const d3 = (-15 + z2 * (51 + z2 * (95 + z2 * 21))) / 384;
  const d4 = (-945 + z2 * (-5760 + z2 * (7410 + z2 * (5432 + z2 * 711)))) / 92160;
  const v = 1 / df;
  return 1 + v * (d1 + v * (d2 + v * (d3 + v * d4)));
}

function usesExpansion(x: number, df: number): boolean {
  return df >= LARGE_DF && x * x < df / 1000;
}

// Lower tail P(T ≤ −|t|) for Student's t.
function studentTLowerTail(t: number, df: number): number {
  const a = Math.abs(t);
  if (df === Number.POSITIVE_INFINITY) return normalCdf(-a);
  if (usesExpansion(a, df)) {
    // Invert t = CF(z) by Newton; CF is nearly the identity here, so three steps suffice.
    let z = a;
    for (let i = 0; i < 4; i++) z -= (cornishFisher(z, df) - a) / cornishFisherSlope(z, df);
    return normalCdf(-z);
  }
  const t2 = a * a;
  // Near the centre the tail is not small, so 0.5 − P(0 < T < |t|) is safe; further out the tail is
  // computed directly so that small p-values keep their relative precision.
  if (t2 < 3) return 0.5 - 0.5 * regularizedBeta(t2 / (df + t2), 0.5, df / 2);
  return 0.5 * regularizedBeta(df / (df + t2), df / 2, 0.5);
}

/**
 * Student t cumulative distribution P(T ≤ t) with `df` > 0 degrees of freedom (fractional or Infinity too).
 * @example studentTCdf(2.228138851986274, 10); // 0.975
 */
export function studentTCdf(t: number, df: number): number {
  checkDf("studentTCdf", df);
  if (Number.isNaN(t)) return Number.NaN;
  if (t === 0) return 0.5;
  const lower = studentTLowerTail(t, df);
  return t < 0 ? lower : 1 - lower;
}

/** Student t upper tail P(T > t), accurate for large t. */
export function studentTSf(t: number, df: number): number {
  return studentTCdf(-t, df);
}

/** Student t density. */
export function studentTPdf(t: number, df: number): number {
  checkDf("studentTPdf", df);
  if (df === Number.POSITIVE_INFINITY) return normalPdf(t);
  const logDensity =
    lnGamma((df + 1) / 2) -
    lnGamma(df / 2) -
    0.5 * Math.log(df * Math.PI) -
    ((df + 1) / 2) * Math.log1p((t * t) / df);
  return Math.exp(logDensity);
}

/**
 * Student t quantile: the t with P(T ≤ t) = p, for 0 ≤ p ≤ 1 and df > 0.
 * @throws RangeError when p is outside [0, 1] or df ≤ 0
 * @example studentTQuantile(0.975, 10); // 2.228138851986274
 */
export function studentTQuantile(p: number, df: number): number {
  checkDf("studentTQuantile", df);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`studentTQuantile: p must be in [0, 1], got ${p}`);
  if (p === 0) return Number.NEGATIVE_INFINITY;
  if (p === 1) return Number.POSITIVE_INFINITY;
  if (p === 0.5) return 0;
  if (df === Number.POSITIVE_INFINITY) return normalQuantile(p);
  // Cauchy; cot form keeps precision for tiny p, where p − 0.5 would round.
  if (df === 1) return p < 0.5 ? -1 / Math.tan(Math.PI * p) : 1 / Math.tan(Math.PI * (1 - p));
  if (df === 2) return (2 * p - 1) / Math.sqrt(2 * p * (1 - p));
  if (df >= LARGE_DF) {
    const z = normalQuantile(p);
    if (usesExpansion(z, df)) return cornishFisher(z, df);
  }
  // Solve on the lower tail (t < 0) by symmetry: target tail probability q ≤ 0.5.
  const sign = p < 0.5 ? -1 : 1;
  const q = p < 0.5 ? p : 1 - p;
  let lo = Number.NEGATIVE_INFINITY;
  let hi = 0;
  let t = normalQuantile(q);
  if (!Number.isFinite(t)) t = -1e300;
  // Newton on log-tail (well scaled far out), bracketed so a bad step falls back to bisection.
  for (let i = 0; i < 200; i++) {
    const tail = studentTLowerTail(t, df);
    if (tail === q) break;
    if (tail > q) hi = t;
    else lo = t;
    const step = (Math.log(tail) - Math.log(q)) * (tail / studentTPdf(t, df));
    let next = t - step;
    if (!(next > lo && next < hi) || !Number.isFinite(next)) {
      next = Number.isFinite(lo) ? (lo + hi) / 2 : hi === 0 ? t * 2 : hi * 2;
    }
    if (Math.abs(next - t) <= 1e-14 * Math.max(1, Math.abs(t))) {
      t = next;
      break;
    }
    t = next;
  }
  return sign * -t;
}

/**
 * Chi-square cumulative distribution P(X ≤ x) with k > 0 degrees of freedom.
 * @example chiSquareCdf(3.841458820694124, 1); // 0.95
 */
export function chiSquareCdf(x: number, k: number): number {
  checkDf("chiSquareCdf", k);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 0;
  return regularizedGammaP(k / 2, x / 2);
}

/**
 * Chi-square upper tail P(X > x) with k > 0 degrees of freedom, accurate for tiny p-values.
 * @example chiSquareSf(22.77, 1); // ≈ 1.83e-6
 */
export function chiSquareSf(x: number, k: number): number {
  checkDf("chiSquareSf", k);
  if (Number.isNaN(x)) return Number.NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(k / 2, x / 2);
}
