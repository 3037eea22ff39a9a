import type { LabelCounts } from "../../../core/stats/ratings";

// Krippendorff (2011)'s reliability data as per-unit counts of the values 1–5 (unit 12 has a single
// value, so it is not pairable). Published: nominal 0.743, ordinal 0.815, interval 0.849, ratio 0.797.
export const KRIPPENDORFF_2011: LabelCounts[] = [
  { "1": 3 },
  { "2": 3, "3": 1 },
  { "3": 4 },
  { "3": 4 },
  { "2": 4 },
  { "1": 1, "2": 1, "3": 1, "4": 1 },
  { "4": 4 },
  { "1": 3, "2": 1 },
  { "2": 4 },
  { "5": 3 },
  { "1": 2 },
  { "3": 1 },
];
