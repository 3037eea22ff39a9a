import type { App } from "aws-cdk-lib";
import { acknowledgeStatefulFindings, acknowledgeStatelessFindings } from "./nag-acknowledgements";
import { StatefulStack } from "./stateful-stack";
import { StatelessStack } from "./stateless-stack";

/** Both stacks, configured from CDK context (`-c key=value` or cdk.json). */
export function buildApp(app: App): { data: StatefulStack; compute: StatelessStack } {
  const ctx = (key: string): string | undefined => app.node.tryGetContext(key);
  // Tables with a customer-managed key need a concrete region at synth time.
  const env = {
    account: process.env.CDK_DEFAULT_ACCOUNT,
    region: ctx("region") ?? process.env.CDK_DEFAULT_REGION ?? "us-east-1",
  };
  const data = new StatefulStack(app, "HitlData", {
    env,
    retainData: ctx("retainData") !== "false",
    cognitoDomainPrefix: ctx("cognitoDomainPrefix"),
    consoleCallbackUrls: ctx("consoleCallbackUrls")?.split(",").filter(Boolean),
  });
  const compute = new StatelessStack(app, "HitlCompute", {
    env,
    data,
    jwtIssuer: ctx("jwtIssuer"),
    jwtAudience: ctx("jwtAudience")?.split(",").filter(Boolean),
    oidcClientId: ctx("oidcClientId"),
    oidcOrigins: ctx("oidcOrigins"),
    webCallbackUrls: ctx("webCallbackUrls")?.split(",").filter(Boolean),
  });
  acknowledgeStatefulFindings(data);
  acknowledgeStatelessFindings(compute, compute.router);
  return { data, compute };
}
