export { functionSpecs, type SkippedFunction } from "./from-template";
export { createLambdaRuntime, type LambdaRuntime } from "./runtime";
export { type FunctionSpec, functionNameOf, type InvocationReport, lambdaError } from "./spec";
