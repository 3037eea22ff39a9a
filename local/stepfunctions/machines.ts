// The registered state machines: their prepared definitions and the library instances that run them.
import { StateMachine, type StateMachineDefinition } from "aws-local-stepfunctions";
import { type PreparedDefinition, prepareDefinition } from "./definition";
import { SfnServiceError } from "./errors";
import { parseResource, unsupportedReason } from "./integrations";
import type { JsonObject } from "./json";
import type { StateMachineType } from "./records";
import type { StateMachineDescription, StateMachineRegistration } from "./types";

export interface MachineEntry {
  arn: string;
  name: string;
  type: StateMachineType;
  roleArn: string;
  definitionText: string;
  creationDate: Date;
  prepared: PreparedDefinition;
  library: StateMachine;
}

const validationCache = new Map<string, string | undefined>();

/** asl-validator compiles its schema on every call (~300 ms), so each distinct definition is checked once. */
function validationProblem(definition: JsonObject): string | undefined {
  const key = JSON.stringify(definition);
  if (validationCache.has(key)) return validationCache.get(key);
  let problem: string | undefined;
  try {
    // A copy: the validator annotates the definition it is given.
    new StateMachine(JSON.parse(key) as StateMachineDefinition, {
      validationOptions: { checkArn: false, checkPaths: true },
    });
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
  }
  validationCache.set(key, problem);
  return problem;
}

/** A library instance for a definition that was validated (or reported) at registration. */
export function unvalidatedMachine(definition: JsonObject): StateMachine {
  return new StateMachine(definition as unknown as StateMachineDefinition, {
    validationOptions: { noValidate: true },
  });
}

export class MachineRegistry {
  private readonly machines = new Map<string, MachineEntry>();

  constructor(
    private readonly accountId: string,
    private readonly log: (line: string) => void,
  ) {}

  register(sm: StateMachineRegistration): void {
    const prepared = prepareDefinition(sm.definition);
    const problem = validationProblem(prepared.definition);
    // asl-validator can lag behind AWS: run anyway, but say so.
    if (problem !== undefined) this.log(`stepfunctions: ${sm.name}: definition did not validate: ${problem}`);
    const library = unvalidatedMachine(prepared.definition);
    for (const spec of prepared.tasks.values()) {
      const reason = unsupportedReason(parseResource(spec.resource), spec.resource);
      if (reason !== undefined) this.log(`stepfunctions: ${sm.name}: state '${spec.name}': ${reason}`);
    }
    this.machines.set(sm.arn, {
      arn: sm.arn,
      name: sm.name,
      type: sm.type,
      roleArn: sm.roleArn ?? `arn:aws:iam::${this.accountId}:role/${sm.name}-role`,
      definitionText: JSON.stringify(sm.definition),
      creationDate: new Date(),
      prepared,
      library,
    });
  }

  get(stateMachineArn: string): MachineEntry | undefined {
    return this.machines.get(stateMachineArn);
  }

  getOrThrow(stateMachineArn: string): MachineEntry {
    const machine = this.machines.get(stateMachineArn);
    if (machine === undefined) {
      throw new SfnServiceError(
        "StateMachineDoesNotExist",
        `State Machine Does Not Exist: '${stateMachineArn}'`,
      );
    }
    return machine;
  }

  list(): Omit<StateMachineDescription, "definition" | "roleArn" | "status">[] {
    return [...this.machines.values()].map((m) => ({
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      creationDate: m.creationDate,
    }));
  }

  describe(stateMachineArn: string): StateMachineDescription {
    const m = this.getOrThrow(stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      type: m.type,
      status: "ACTIVE",
      definition: m.definitionText,
      roleArn: m.roleArn,
      creationDate: m.creationDate,
    };
  }
}
