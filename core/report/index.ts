export { buildReport, type ReportInput, reportOptions } from "./build";
export {
  type CounterReader,
  getReport,
  parseReportQuery,
  type ReportDeps,
  ReportQuerySchema,
} from "./get-report";
export {
  DEFAULT_SEAL_AFTER_HOURS,
  type RangeCounterReader,
  type SealedCacheOptions,
  SealedCounterCache,
} from "./sealed-cache";
export * from "./types";
