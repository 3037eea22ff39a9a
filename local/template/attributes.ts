import { createHash } from "node:crypto";

/** What the resolver needs to know of the place the resources live in. */
export interface LocalContext {
  readonly region: string;
  readonly accountId: string;
  /** Base URL of the SQS stand-in; queue URLs are built from it until the real ones are known. */
  readonly sqsEndpoint?: string;
}

/** What `Ref` and `Fn::GetAtt` give for one resource. */
export interface Described {
  readonly ref: unknown;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface DescribeInput {
  readonly stackName: string;
  readonly logicalId: string;
  /** Resolves one of the resource's properties (undefined when absent). */
  readonly prop: (name: string) => unknown;
  readonly ctx: LocalContext;
}

/** A stable pseudo-random id for resources whose ids AWS makes up (API ids, KMS key ids). */
export function stableId(seed: string, length: number): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return BigInt(`0x${hex}`).toString(36).slice(0, length).padStart(length, "0");
}

function uuidFrom(seed: string): string {
  const hex = createHash("sha256").update(seed).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function named(input: DescribeInput, property: string, fallback = input.logicalId): string {
  const value = input.prop(property);
  return typeof value === "string" && value !== "" ? value : fallback;
}

function arn(input: DescribeInput, service: string, resource: string, region = input.ctx.region): string {
  return `arn:aws:${service}:${region}:${input.ctx.accountId}:${resource}`;
}

/** The local physical name: the template's own name property if set, else the logical id. */
export function queueName(input: DescribeInput): string {
  const fifo = input.prop("FifoQueue") === true || input.prop("FifoQueue") === "true";
  return named(input, "QueueName", fifo ? `${input.logicalId}.fifo` : input.logicalId);
}

function table(input: DescribeInput): Described {
  const name = named(input, "TableName");
  const tableArn = arn(input, "dynamodb", `table/${name}`);
  return {
    ref: name,
    attrs: {
      Arn: tableArn,
      StreamArn: `${tableArn}/stream/1970-01-01T00:00:00.000`,
      TableId: uuidFrom(`${input.stackName}/${input.logicalId}`),
    },
  };
}

function queue(input: DescribeInput): Described {
  const name = queueName(input);
  const base = input.ctx.sqsEndpoint ?? `https://sqs.${input.ctx.region}.amazonaws.com`;
  const url = `${base.replace(/\/$/, "")}/${input.ctx.accountId}/${name}`;
  return { ref: url, attrs: { Arn: arn(input, "sqs", name), QueueUrl: url, QueueName: name } };
}

function lambdaFunction(input: DescribeInput): Described {
  const name = named(input, "FunctionName");
  return { ref: name, attrs: { Arn: arn(input, "lambda", `function:${name}`) } };
}

function stateMachine(input: DescribeInput): Described {
  const name = named(input, "StateMachineName");
  const machineArn = arn(input, "states", `stateMachine:${name}`);
  return { ref: machineArn, attrs: { Arn: machineArn, Name: name, StateMachineRevisionId: machineArn } };
}

function httpApi(input: DescribeInput): Described {
  const id = stableId(`${input.stackName}/${input.logicalId}`, 10);
  return {
    ref: id,
    attrs: { ApiId: id, ApiEndpoint: `https://${id}.execute-api.${input.ctx.region}.amazonaws.com` },
  };
}

/** Route, integration, stage and authorizer ids: short stable ids, like AWS's own. */
function childId(attribute: string) {
  return (input: DescribeInput): Described => {
    const id = stableId(`${input.stackName}/${input.logicalId}`, 7);
    return { ref: id, attrs: { [attribute]: id } };
  };
}

function kmsKey(input: DescribeInput): Described {
  const id = uuidFrom(`${input.stackName}/${input.logicalId}`);
  return { ref: id, attrs: { Arn: arn(input, "kms", `key/${id}`), KeyId: id } };
}

function topic(input: DescribeInput): Described {
  const name = named(input, "TopicName");
  const topicArn = arn(input, "sns", name);
  return { ref: topicArn, attrs: { TopicArn: topicArn, TopicName: name } };
}

function role(input: DescribeInput): Described {
  const name = named(input, "RoleName");
  return {
    ref: name,
    attrs: {
      Arn: arn(input, "iam", `role/${name}`, ""),
      RoleId: stableId(input.logicalId, 21).toUpperCase(),
    },
  };
}

function logGroup(input: DescribeInput): Described {
  const name = named(input, "LogGroupName");
  return { ref: name, attrs: { Arn: arn(input, "logs", `log-group:${name}:*`) } };
}

function alarm(input: DescribeInput): Described {
  const name = named(input, "AlarmName");
  return { ref: name, attrs: { Arn: arn(input, "cloudwatch", `alarm:${name}`) } };
}

function userPool(input: DescribeInput): Described {
  const id = `${input.ctx.region}_${stableId(`${input.stackName}/${input.logicalId}`, 9)}`;
  const provider = `cognito-idp.${input.ctx.region}.amazonaws.com/${id}`;
  return {
    ref: id,
    attrs: {
      Arn: arn(input, "cognito-idp", `userpool/${id}`),
      ProviderName: provider,
      ProviderURL: `https://${provider}`,
      UserPoolId: id,
    },
  };
}

function eventRule(input: DescribeInput): Described {
  const name = named(input, "Name");
  return { ref: name, attrs: { Arn: arn(input, "events", `rule/${name}`) } };
}

function schedule(kind: string) {
  return (input: DescribeInput): Described => {
    const name = named(input, "Name");
    return { ref: name, attrs: { Arn: arn(input, "scheduler", `${kind}/${name}`) } };
  };
}

function bucket(input: DescribeInput): Described {
  const name = named(input, "BucketName", input.logicalId.toLowerCase());
  return {
    ref: name,
    attrs: {
      Arn: `arn:aws:s3:::${name}`,
      DomainName: `${name}.s3.amazonaws.com`,
      RegionalDomainName: `${name}.s3.${input.ctx.region}.amazonaws.com`,
    },
  };
}

function ssmParameter(input: DescribeInput): Described {
  return { ref: named(input, "Name"), attrs: { Type: input.prop("Type"), Value: input.prop("Value") } };
}

function secret(input: DescribeInput): Described {
  const secretArn = arn(input, "secretsmanager", `secret:${named(input, "Name")}`);
  return { ref: secretArn, attrs: { Id: secretArn } };
}

const DESCRIBERS: Record<string, (input: DescribeInput) => Described> = {
  "AWS::DynamoDB::Table": table,
  "AWS::DynamoDB::GlobalTable": table,
  "AWS::SQS::Queue": queue,
  "AWS::Lambda::Function": lambdaFunction,
  "AWS::StepFunctions::StateMachine": stateMachine,
  "AWS::ApiGatewayV2::Api": httpApi,
  "AWS::ApiGatewayV2::Route": childId("RouteId"),
  "AWS::ApiGatewayV2::Integration": childId("IntegrationId"),
  "AWS::ApiGatewayV2::Authorizer": childId("AuthorizerId"),
  "AWS::ApiGatewayV2::Stage": childId("StageId"),
  "AWS::KMS::Key": kmsKey,
  "AWS::SNS::Topic": topic,
  "AWS::IAM::Role": role,
  "AWS::Logs::LogGroup": logGroup,
  "AWS::CloudWatch::Alarm": alarm,
  "AWS::Cognito::UserPool": userPool,
  "AWS::Events::Rule": eventRule,
  "AWS::Scheduler::Schedule": schedule("schedule/default"),
  "AWS::Scheduler::ScheduleGroup": schedule("schedule-group"),
  "AWS::S3::Bucket": bucket,
  "AWS::SSM::Parameter": ssmParameter,
  "AWS::SecretsManager::Secret": secret,
};

/**
 * Ref and attributes of a resource as AWS would give them, with local physical names. Types not
 * listed still answer `Ref` (with the logical id) but have no attributes.
 */
export function describe(type: string, input: DescribeInput): Described {
  const describer = DESCRIBERS[type];
  return describer ? describer(input) : { ref: input.logicalId, attrs: {} };
}
