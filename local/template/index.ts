export { type Described, type LocalContext, stableId } from "./attributes";
export { loadCloudAssembly, resourcesOf } from "./load";
export { type ProvisionedQueue, provisionQueues, queueAttributes } from "./provision-queues";
export { type StateMachineSpec, stateMachineSpecs } from "./provision-state-machines";
export { createTableInput, type ProvisionedTable, provisionTables, TABLE_TYPES } from "./provision-tables";
export { NO_VALUE, TemplateError, TemplateResolver } from "./resolve";
export { EMULATED_TYPES, formatTable, notEmulated, type SummaryRow } from "./summary";
export type { CfnResource, CfnTemplate, CloudAssembly, ResourceRef, StackTemplate } from "./types";
