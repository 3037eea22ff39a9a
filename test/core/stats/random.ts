/** Seeded pseudo-random numbers for property tests (mulberry32, the simulator's), so failures reproduce. */
export { seededRandom } from "../../../core/simulation/random";

/** Integer in [min, max]. */
export function randomInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
