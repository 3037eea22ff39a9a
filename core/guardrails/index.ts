export {
  type Announcer,
  type ArmPausedNotice,
  GUARDRAIL_ACTOR,
  type GuardrailDeps,
  type GuardrailRun,
  type GuardrailRunOptions,
  runGuardrails,
} from "./apply";
export {
  type ArmGuardrail,
  checkGuardrails,
  DEFAULT_GUARDRAIL_OPTIONS,
  type GuardrailCheck,
  type GuardrailOptions,
} from "./check";
