export { functionSpecs, type SkippedFunction } from "./from-template";
export { prettyFunctionLine, prettyLogLine } from "./log-format";
export { createLambdaRuntime, type LambdaRuntime } from "./runtime";
export { type FunctionSpec, functionNameOf, type InvocationReport, lambdaError } from "./spec";
