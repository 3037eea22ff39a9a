import { App } from "aws-cdk-lib";
import { Template } from "aws-cdk-lib/assertions";
import { AwsSolutionsChecks } from "cdk-nag";
import { buildApp } from "../../lib/app";

/**
 * Synthesizes both stacks in-process without bundling (bundling is covered by the `cdk synth`
 * test), optionally with cdk-nag's AwsSolutions pack applied.
 */
export function synthesize(options: { nag?: boolean } = {}) {
  const app = new App({ context: { "aws:cdk:bundling-stacks": [] } });
  const stacks = buildApp(app);
  app.synth();
  const nag = options.nag ? new AwsSolutionsChecks(app) : undefined;
  return {
    ...stacks,
    data: Template.fromStack(stacks.data),
    compute: Template.fromStack(stacks.compute),
    dataStack: stacks.data,
    /** AwsSolutions findings not acknowledged, one line each. */
    nagFindings: () =>
      [stacks.data, stacks.compute].flatMap((stack) =>
        (nag?.validateScope(stack).violations ?? []).flatMap((v) =>
          v.violatingResources.map(
            (r) => `${v.ruleName} ${r.resourceLogicalId}: ${v.description.slice(0, 120)}`,
          ),
        ),
      ),
    computeStack: stacks.compute,
  };
}
