export {
  createFaults,
  FAULT_ENV,
  type FaultReport,
  type FaultSpec,
  type Faults,
  parseFaults,
} from "./faults";
export { functionSpecs, type SkippedFunction } from "./from-template";
export { prettyFunctionLine, prettyLogLine } from "./log-format";
export { createLambdaRuntime, type LambdaRuntime } from "./runtime";
export { type FunctionSpec, functionNameOf, type InvocationReport, lambdaError } from "./spec";
