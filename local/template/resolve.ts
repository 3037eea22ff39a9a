import { type Described, describe, type LocalContext } from "./attributes";
import { type CloudAssembly, isRecord, type ResourceRef, type StackTemplate } from "./types";

/** What `Ref: AWS::NoValue` resolves to: the property or list element is dropped. */
export const NO_VALUE: unique symbol = Symbol("AWS::NoValue");

export class TemplateError extends Error {
  override name = "TemplateError";
}

const INTRINSICS = new Set([
  "Ref",
  "Fn::GetAtt",
  "Fn::Join",
  "Fn::Sub",
  "Fn::Select",
  "Fn::Split",
  "Fn::ImportValue",
  "Fn::If",
  "Fn::FindInMap",
  "Fn::Base64",
  "Fn::GetAZs",
  "Fn::ToJsonString",
  "Fn::Length",
]);

const CONDITION_FUNCTIONS = new Set(["Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"]);

type Override = { ref?: unknown; attrs?: Record<string, unknown> };

function intrinsicKey(value: Record<string, unknown>): string | undefined {
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const key = keys[0] as string;
  return key === "Ref" || key.startsWith("Fn::") || key === "Condition" ? key : undefined;
}

/**
 * Resolves CloudFormation intrinsics over every stack of a cloud assembly, with local physical
 * names and ARNs. Values that only exist once a stand-in runs (queue URLs, the API URL) can be
 * supplied later with `override`.
 */
export class TemplateResolver {
  readonly ctx: LocalContext;
  private readonly assembly: CloudAssembly;
  private readonly described = new Map<string, Described>();
  private readonly overrides = new Map<string, Override>();
  private readonly inProgress = new Set<string>();
  private exportIndex: Map<string, { stack: StackTemplate; value: unknown }> | undefined;

  constructor(assembly: CloudAssembly, ctx: LocalContext) {
    this.assembly = assembly;
    this.ctx = ctx;
  }

  get stacks(): readonly StackTemplate[] {
    return this.assembly.stacks;
  }

  /** Resolves every intrinsic inside `value`; `where` names the spot for error messages. */
  resolve(stack: StackTemplate, value: unknown, where = stack.stackName): unknown {
    if (Array.isArray(value)) {
      return value
        .map((item, i) => this.resolve(stack, item, `${where}[${i}]`))
        .filter((v) => v !== NO_VALUE);
    }
    if (!isRecord(value)) return value;
    const key = intrinsicKey(value);
    if (key !== undefined && key !== "Condition") return this.intrinsic(stack, key, value[key], where);
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const resolved = this.resolve(stack, v, `${where}.${k}`);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  /** Resolves a value that must end up a string (names, ARNs, URLs). */
  resolveString(stack: StackTemplate, value: unknown, where = stack.stackName): string {
    const resolved = this.resolve(stack, value, where);
    if (typeof resolved === "string") return resolved;
    if (typeof resolved === "number" || typeof resolved === "boolean") return String(resolved);
    throw new TemplateError(`${where}: expected a string, got ${JSON.stringify(resolved)}`);
  }

  /** Resolves one property of a resource; undefined when the template does not set it. */
  property(ref: ResourceRef, name: string): unknown {
    const raw = ref.resource.Properties?.[name];
    if (raw === undefined) return undefined;
    const value = this.resolve(ref.stack, raw, `${ref.stack.stackName}/${ref.logicalId}.${name}`);
    return value === NO_VALUE ? undefined : value;
  }

  ref(stack: StackTemplate, name: string, where = stack.stackName): unknown {
    const pseudo = this.pseudo(stack, name);
    if (pseudo !== undefined) return pseudo;
    const parameter = stack.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) {
        throw new TemplateError(
          `${where}: parameter ${name} has no Default, and the local cloud cannot ask for one`,
        );
      }
      return parameter.Default;
    }
    const override = this.overrides.get(`${stack.stackName}/${name}`);
    if (override?.ref !== undefined) return override.ref;
    return this.describeResource(stack, name, where).ref;
  }

  getAtt(stack: StackTemplate, logicalId: string, attribute: string, where = stack.stackName): unknown {
    const override = this.overrides.get(`${stack.stackName}/${logicalId}`)?.attrs?.[attribute];
    if (override !== undefined) return override;
    const described = this.describeResource(stack, logicalId, where);
    const value = described.attrs[attribute];
    if (value === undefined) {
      const type = stack.template.Resources?.[logicalId]?.Type;
      const known = Object.keys(described.attrs);
      throw new TemplateError(
        `${where}: Fn::GetAtt ${logicalId}.${attribute}: ${type} has no attribute "${attribute}" in the local cloud` +
          ` (known: ${known.length ? known.join(", ") : "none"})`,
      );
    }
    return value;
  }

  /** Local physical name of a resource (table name, queue name, function name...). */
  physicalName(stack: StackTemplate, logicalId: string): string {
    const described = this.describeResource(stack, logicalId, stack.stackName);
    const name = described.attrs.QueueName ?? described.attrs.Name ?? described.ref;
    return String(name);
  }

  /** Replaces what Ref/GetAtt give for a resource once a stand-in has made it (e.g. a queue URL). */
  override(stack: StackTemplate, logicalId: string, values: Override): void {
    const key = `${stack.stackName}/${logicalId}`;
    const current = this.overrides.get(key) ?? {};
    this.overrides.set(key, {
      ref: values.ref ?? current.ref,
      attrs: { ...current.attrs, ...values.attrs },
    });
  }

  importValue(name: string, where: string): unknown {
    const exported = this.exports().get(name);
    if (!exported) {
      throw new TemplateError(
        `${where}: Fn::ImportValue ${name}: no stack of ${this.assembly.dir} exports that name`,
      );
    }
    return this.guarded(`export:${name}`, where, () =>
      this.resolve(exported.stack, exported.value, `export ${name}`),
    );
  }

  /** Whether a resource's `Condition` (if any) holds. */
  isActive(ref: ResourceRef): boolean {
    return ref.resource.Condition === undefined || this.condition(ref.stack, ref.resource.Condition);
  }

  condition(stack: StackTemplate, name: string, where = stack.stackName): boolean {
    const expression = stack.template.Conditions?.[name];
    if (expression === undefined) throw new TemplateError(`${where}: unknown condition ${name}`);
    return this.guarded(`condition:${stack.stackName}/${name}`, where, () =>
      this.evaluate(stack, expression, `${where} condition ${name}`),
    );
  }

  /** Every stack output by name, and by `Stack.Output`; outputs that cannot resolve are left out. */
  outputs(): { values: Record<string, unknown>; errors: string[] } {
    const values: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const stack of this.assembly.stacks) {
      for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Condition !== undefined && !this.condition(stack, output.Condition)) continue;
        try {
          const value = this.resolve(stack, output.Value, `${stack.stackName} output ${name}`);
          values[name] = value;
          values[`${stack.stackName}.${name}`] = value;
        } catch (error) {
          errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    }
    return { values, errors };
  }

  private exports(): Map<string, { stack: StackTemplate; value: unknown }> {
    if (this.exportIndex) return this.exportIndex;
    const index = new Map<string, { stack: StackTemplate; value: unknown }>();
    for (const stack of this.assembly.stacks) {
      for (const [name, output] of Object.entries(stack.template.Outputs ?? {})) {
        if (output.Export === undefined) continue;
        const exportName = this.resolveString(stack, output.Export.Name, `${stack.stackName} output ${name}`);
        index.set(exportName, { stack, value: output.Value });
      }
    }
    this.exportIndex = index;
    return index;
  }

  private pseudo(stack: StackTemplate, name: string): unknown {
    switch (name) {
      case "AWS::Region":
        return this.ctx.region;
      case "AWS::AccountId":
        return this.ctx.accountId;
      case "AWS::Partition":
        return "aws";
      case "AWS::URLSuffix":
        return "amazonaws.com";
      case "AWS::StackName":
        return stack.stackName;
      case "AWS::StackId":
        return `arn:aws:cloudformation:${this.ctx.region}:${this.ctx.accountId}:stack/${stack.stackName}/local`;
      case "AWS::NotificationARNs":
        return [];
      case "AWS::NoValue":
        return NO_VALUE;
      default:
        return undefined;
    }
  }

  private describeResource(stack: StackTemplate, logicalId: string, where: string): Described {
    const key = `${stack.stackName}/${logicalId}`;
    const cached = this.described.get(key);
    if (cached) return cached;
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) {
      throw new TemplateError(
        `${where}: ${logicalId} is neither a resource nor a parameter of stack ${stack.stackName}`,
      );
    }
    const ref: ResourceRef = { stack, logicalId, resource };
    const described = this.guarded(`resource:${key}`, where, () =>
      describe(resource.Type, {
        stackName: stack.stackName,
        logicalId,
        prop: (name) => this.property(ref, name),
        ctx: this.ctx,
      }),
    );
    this.described.set(key, described);
    return described;
  }

  private guarded<T>(key: string, where: string, run: () => T): T {
    if (this.inProgress.has(key)) throw new TemplateError(`${where}: circular reference through ${key}`);
    this.inProgress.add(key);
    try {
      return run();
    } finally {
      this.inProgress.delete(key);
    }
  }

  private intrinsic(stack: StackTemplate, fn: string, arg: unknown, where: string): unknown {
    if (!INTRINSICS.has(fn)) {
      const hint = CONDITION_FUNCTIONS.has(fn) ? " (only allowed inside Conditions)" : "";
      throw new TemplateError(`${where}: unsupported intrinsic ${fn}${hint}`);
    }
    const at = `${where} ${fn}`;
    switch (fn) {
      case "Ref":
        return this.ref(stack, this.resolveString(stack, arg, at), at);
      case "Fn::GetAtt":
        return this.fnGetAtt(stack, arg, at);
      case "Fn::Join":
        return this.fnJoin(stack, arg, at);
      case "Fn::Sub":
        return this.fnSub(stack, arg, at);
      case "Fn::Select":
        return this.fnSelect(stack, arg, at);
      case "Fn::Split": {
        const [delimiter, source] = this.pair(arg, at);
        return this.resolveString(stack, source, at).split(this.resolveString(stack, delimiter, at));
      }
      case "Fn::ImportValue":
        return this.importValue(this.resolveString(stack, arg, at), at);
      case "Fn::If": {
        const [name, whenTrue, whenFalse] = this.list(arg, 3, at);
        const chosen = this.condition(stack, String(name), at) ? whenTrue : whenFalse;
        return this.resolve(stack, chosen, at);
      }
      case "Fn::FindInMap": {
        const [map, top, second] = this.list(arg, 3, at).map((part) => this.resolveString(stack, part, at));
        const value = stack.template.Mappings?.[map as string]?.[top as string]?.[second as string];
        if (value === undefined) throw new TemplateError(`${at}: no ${map}.${top}.${second} in Mappings`);
        return value;
      }
      case "Fn::Base64":
        return Buffer.from(this.resolveString(stack, arg, at)).toString("base64");
      case "Fn::GetAZs":
        return ["a", "b", "c"].map((zone) => `${this.ctx.region}${zone}`);
      case "Fn::ToJsonString":
        return JSON.stringify(this.resolve(stack, arg, at));
      default: {
        const list = this.resolve(stack, arg, at);
        if (!Array.isArray(list)) throw new TemplateError(`${at}: expected a list`);
        return list.length;
      }
    }
  }

  private fnGetAtt(stack: StackTemplate, arg: unknown, at: string): unknown {
    let parts: unknown[];
    if (typeof arg === "string") {
      const dot = arg.indexOf(".");
      parts = dot < 0 ? [arg] : [arg.slice(0, dot), arg.slice(dot + 1)];
    } else {
      parts = Array.isArray(arg) ? arg : [];
    }
    if (parts.length !== 2) throw new TemplateError(`${at}: expected [LogicalId, Attribute]`);
    const logicalId = this.resolveString(stack, parts[0], at);
    return this.getAtt(stack, logicalId, this.resolveString(stack, parts[1], at), at);
  }

  private fnJoin(stack: StackTemplate, arg: unknown, at: string): string {
    const [delimiter, items] = this.pair(arg, at);
    const list = this.resolve(stack, items, at);
    if (!Array.isArray(list)) throw new TemplateError(`${at}: the second argument must be a list`);
    return list.map((item, i) => this.asText(item, `${at}[${i}]`)).join(String(delimiter));
  }

  private fnSub(stack: StackTemplate, arg: unknown, at: string): string {
    const [template, variables] = Array.isArray(arg) ? this.pair(arg, at) : [arg, {}];
    if (typeof template !== "string") throw new TemplateError(`${at}: the template must be a string`);
    const vars = this.resolve(stack, variables, at);
    if (!isRecord(vars)) throw new TemplateError(`${at}: the variables must be a map`);
    return template.replace(/\$\{([^}]*)\}/g, (_match, raw: string) => {
      if (raw.startsWith("!")) return `\${${raw.slice(1)}}`;
      const name = raw.trim();
      if (name in vars) return this.asText(vars[name], `${at} \${${name}}`);
      const dot = name.indexOf(".");
      const value =
        dot > 0 && this.pseudo(stack, name) === undefined
          ? this.getAtt(stack, name.slice(0, dot), name.slice(dot + 1), at)
          : this.ref(stack, name, at);
      return this.asText(value, `${at} \${${name}}`);
    });
  }

  private fnSelect(stack: StackTemplate, arg: unknown, at: string): unknown {
    const [rawIndex, items] = this.pair(arg, at);
    const index = Number(this.resolve(stack, rawIndex, at));
    const list = this.resolve(stack, items, at);
    if (!Array.isArray(list)) throw new TemplateError(`${at}: the second argument must be a list`);
    if (!Number.isInteger(index) || index < 0 || index >= list.length) {
      throw new TemplateError(`${at}: index ${index} is outside a list of ${list.length}`);
    }
    return list[index];
  }

  private evaluate(stack: StackTemplate, expression: unknown, where: string): boolean {
    if (typeof expression === "boolean") return expression;
    if (typeof expression === "string") return expression === "true";
    if (!isRecord(expression))
      throw new TemplateError(`${where}: not a condition: ${JSON.stringify(expression)}`);
    const fn = intrinsicKey(expression);
    const arg = fn === undefined ? undefined : expression[fn];
    switch (fn) {
      case "Condition":
        return this.condition(stack, String(arg), where);
      case "Fn::Equals": {
        const [a, b] = this.pair(arg, where).map((side) => this.resolve(stack, side, where));
        return JSON.stringify(a) === JSON.stringify(b);
      }
      case "Fn::Not":
        return !this.evaluate(stack, this.list(arg, 1, where)[0], where);
      case "Fn::And":
        return this.list(arg, -1, where).every((part) => this.evaluate(stack, part, where));
      case "Fn::Or":
        return this.list(arg, -1, where).some((part) => this.evaluate(stack, part, where));
      default:
        return Boolean(this.resolve(stack, expression, where));
    }
  }

  private asText(value: unknown, where: string): string {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw new TemplateError(`${where}: expected a string, got ${JSON.stringify(value)}`);
  }

  private pair(arg: unknown, where: string): [unknown, unknown] {
    const [a, b] = this.list(arg, 2, where);
    return [a, b];
  }

  /** `length` -1 accepts any non-empty list. */
  private list(arg: unknown, length: number, where: string): unknown[] {
    if (!Array.isArray(arg) || (length >= 0 ? arg.length !== length : arg.length === 0)) {
      throw new TemplateError(
        `${where}: expected a list of ${length >= 0 ? length : "one or more"} arguments`,
      );
    }
    return arg;
  }
}
