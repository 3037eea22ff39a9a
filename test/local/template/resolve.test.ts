// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Fn::Sub strings use ${} on purpose
import { describe, expect, it } from "vitest";
import type { CfnTemplate, CloudAssembly, StackTemplate } from "../../../local/template";
import { NO_VALUE, TemplateError, TemplateResolver } from "../../../local/template";

const CTX = { region: "eu-west-1", accountId: "111122223333", sqsEndpoint: "http://127.0.0.1:9324" };

function stack(stackName: string, template: CfnTemplate): StackTemplate {
  return { stackName, dir: "/tmp/out", templateFile: `/tmp/out/${stackName}.template.json`, template };
}

const stateful = stack("Stateful", {
  Resources: {
    Items: { Type: "AWS::DynamoDB::Table", Properties: {} },
    Named: {
      Type: "AWS::DynamoDB::Table",
      Properties: { TableName: { "Fn::Sub": "${AWS::StackName}-named" } },
    },
    Dlq: { Type: "AWS::SQS::Queue", Properties: {} },
    Fifo: { Type: "AWS::SQS::Queue", Properties: { FifoQueue: true } },
    Key: { Type: "AWS::KMS::Key", Properties: {} },
    Pool: { Type: "AWS::Cognito::UserPool", Properties: {} },
  },
  Outputs: {
    ItemsArnOut: {
      Value: { "Fn::GetAtt": ["Items", "Arn"] },
      Export: { Name: "Stateful:ExportsOutputFnGetAttItemsArn" },
    },
    DlqUrlOut: {
      Value: { Ref: "Dlq" },
      Export: { Name: { "Fn::Join": [":", [{ Ref: "AWS::StackName" }, "DlqUrl"]] } },
    },
  },
});

const stateless = stack("Stateless", {
  Parameters: { Stage: { Type: "String", Default: "dev" }, NoDefault: { Type: "String" } },
  Mappings: { Sizes: { dev: { memory: 256 } } },
  Conditions: {
    IsDev: { "Fn::Equals": [{ Ref: "Stage" }, "dev"] },
    IsProd: { "Fn::Not": [{ Condition: "IsDev" }] },
    InEurope: {
      "Fn::Or": [{ "Fn::Equals": [{ Ref: "AWS::Region" }, "eu-west-1"] }, { Condition: "IsProd" }],
    },
  },
  Resources: {
    Fn: { Type: "AWS::Lambda::Function", Properties: {} },
    Machine: { Type: "AWS::StepFunctions::StateMachine", Properties: { StateMachineName: "router" } },
    Api: { Type: "AWS::ApiGatewayV2::Api", Properties: {} },
    Role: { Type: "AWS::IAM::Role", Properties: {} },
    Custom: { Type: "Custom::Thing", Properties: {} },
    Loop: { Type: "AWS::SQS::Queue", Properties: { QueueName: { "Fn::GetAtt": ["Loop", "QueueName"] } } },
  },
});

const assembly: CloudAssembly = { dir: "/tmp/out", stacks: [stateful, stateless] };

function resolver(): TemplateResolver {
  return new TemplateResolver(assembly, CTX);
}

describe("the intrinsic resolver", () => {
  it("gives Ref of a table its name and of a queue its URL", () => {
    const r = resolver();

    expect(r.resolve(stateful, { Ref: "Items" })).toBe("Items");
    expect(r.resolve(stateful, { Ref: "Named" })).toBe("Stateful-named");
    expect(r.resolve(stateful, { Ref: "Dlq" })).toBe("http://127.0.0.1:9324/111122223333/Dlq");
    expect(r.resolve(stateful, { Ref: "Fifo" })).toBe("http://127.0.0.1:9324/111122223333/Fifo.fifo");
  });

  it("gives Ref of a function its name, of a state machine its ARN and of a KMS key a key id", () => {
    const r = resolver();

    expect(r.resolve(stateless, { Ref: "Fn" })).toBe("Fn");
    expect(r.resolve(stateless, { Ref: "Machine" })).toBe(
      "arn:aws:states:eu-west-1:111122223333:stateMachine:router",
    );
    expect(r.resolve(stateful, { Ref: "Key" })).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it("resolves pseudo parameters and parameter defaults", () => {
    const r = resolver();

    const value = r.resolve(stateless, [
      { Ref: "AWS::Region" },
      { Ref: "AWS::AccountId" },
      { Ref: "AWS::Partition" },
      { Ref: "AWS::URLSuffix" },
      { Ref: "AWS::StackName" },
      { Ref: "Stage" },
    ]);

    expect(value).toEqual(["eu-west-1", "111122223333", "aws", "amazonaws.com", "Stateless", "dev"]);
  });

  it("builds ARNs as AWS does with Fn::GetAtt", () => {
    const r = resolver();

    expect(r.resolve(stateful, { "Fn::GetAtt": ["Items", "Arn"] })).toBe(
      "arn:aws:dynamodb:eu-west-1:111122223333:table/Items",
    );
    expect(r.resolve(stateful, { "Fn::GetAtt": ["Items", "StreamArn"] })).toMatch(/table\/Items\/stream\//);
    expect(r.resolve(stateful, { "Fn::GetAtt": "Dlq.Arn" })).toBe("arn:aws:sqs:eu-west-1:111122223333:Dlq");
    expect(r.resolve(stateful, { "Fn::GetAtt": ["Dlq", "QueueName"] })).toBe("Dlq");
    expect(r.resolve(stateless, { "Fn::GetAtt": ["Fn", "Arn"] })).toBe(
      "arn:aws:lambda:eu-west-1:111122223333:function:Fn",
    );
    expect(r.resolve(stateless, { "Fn::GetAtt": ["Machine", "Name"] })).toBe("router");
    expect(r.resolve(stateless, { "Fn::GetAtt": ["Api", "ApiEndpoint"] })).toMatch(
      /^https:\/\/[a-z0-9]{10}\.execute-api\.eu-west-1\.amazonaws\.com$/,
    );
    expect(r.resolve(stateful, { "Fn::GetAtt": ["Pool", "ProviderURL"] })).toMatch(
      /^https:\/\/cognito-idp\.eu-west-1\.amazonaws\.com\/eu-west-1_/,
    );
  });

  it("joins, splits and selects", () => {
    const r = resolver();

    const joined = r.resolve(stateless, { "Fn::Join": ["", ["arn:", { Ref: "AWS::Partition" }, ":s3:::b"]] });
    const split = r.resolve(stateless, { "Fn::Split": [",", "a,b,c"] });
    const selected = r.resolve(stateless, { "Fn::Select": [1, { "Fn::Split": ["/", "x/y/z"] }] });

    expect(joined).toBe("arn:aws:s3:::b");
    expect(split).toEqual(["a", "b", "c"]);
    expect(selected).toBe("y");
  });

  it("substitutes with and without a variables map, keeping ${!literals}", () => {
    const r = resolver();

    const plain = r.resolve(stateless, { "Fn::Sub": "${AWS::Region}/${Fn}/${Fn.Arn}/${!Literal}" });
    const mapped = r.resolve(stateless, {
      "Fn::Sub": ["${Greeting}, ${Who}!", { Greeting: "Hello", Who: { Ref: "Stage" } }],
    });

    expect(plain).toBe("eu-west-1/Fn/arn:aws:lambda:eu-west-1:111122223333:function:Fn/${Literal}");
    expect(mapped).toBe("Hello, dev!");
  });

  it("imports values exported by the other stack", () => {
    const r = resolver();

    const arn = r.resolve(stateless, { "Fn::ImportValue": "Stateful:ExportsOutputFnGetAttItemsArn" });
    const url = r.resolve(stateless, { "Fn::ImportValue": { "Fn::Join": [":", ["Stateful", "DlqUrl"]] } });

    expect(arn).toBe("arn:aws:dynamodb:eu-west-1:111122223333:table/Items");
    expect(url).toBe("http://127.0.0.1:9324/111122223333/Dlq");
  });

  it("sees overrides made once a stand-in knows the real value, across stacks too", () => {
    const r = resolver();

    r.override(stateful, "Dlq", { ref: "http://real/000/Dlq", attrs: { QueueUrl: "http://real/000/Dlq" } });

    expect(r.resolve(stateless, { "Fn::ImportValue": "Stateful:DlqUrl" })).toBe("http://real/000/Dlq");
    expect(r.resolve(stateful, { "Fn::GetAtt": ["Dlq", "Arn"] })).toBe(
      "arn:aws:sqs:eu-west-1:111122223333:Dlq",
    );
  });

  it("evaluates conditions for Fn::If and drops AWS::NoValue", () => {
    const r = resolver();

    const value = r.resolve(stateless, {
      Memory: { "Fn::If": ["IsDev", { "Fn::FindInMap": ["Sizes", "dev", "memory"] }, 1024] },
      Extra: { "Fn::If": ["IsProd", "yes", { Ref: "AWS::NoValue" }] },
      Region: { "Fn::If": ["InEurope", "eu", "elsewhere"] },
      List: ["a", { Ref: "AWS::NoValue" }, "b"],
    });

    expect(value).toEqual({ Memory: 256, Region: "eu", List: ["a", "b"] });
    expect(r.resolve(stateless, { Ref: "AWS::NoValue" })).toBe(NO_VALUE);
  });

  it("answers Ref of types it does not model with the logical id", () => {
    expect(resolver().resolve(stateless, { Ref: "Custom" })).toBe("Custom");
  });

  it("names resource and attribute when an attribute is unknown", () => {
    const r = resolver();

    const unknownAttribute = () =>
      r.resolve(stateful, { "Fn::GetAtt": ["Items", "Colour"] }, "Stateless/Fn.Env");

    expect(unknownAttribute).toThrow(TemplateError);
    expect(unknownAttribute).toThrow(/Stateless\/Fn\.Env.*Items\.Colour.*AWS::DynamoDB::Table.*known: Arn/);
  });

  it("explains unknown intrinsics, missing resources, exports and parameter defaults", () => {
    const r = resolver();

    expect(() => r.resolve(stateless, { "Fn::Cidr": ["10.0.0.0/16", 2, 8] })).toThrow(
      /unsupported intrinsic Fn::Cidr/,
    );
    expect(() => r.resolve(stateless, { Ref: "Nope" })).toThrow(/Nope is neither a resource nor a parameter/);
    expect(() => r.resolve(stateless, { "Fn::ImportValue": "Nobody:Exports" })).toThrow(
      /no stack .* exports/,
    );
    expect(() => r.resolve(stateless, { Ref: "NoDefault" })).toThrow(/parameter NoDefault has no Default/);
    expect(() => r.resolve(stateless, { "Fn::GetAtt": ["Role", "Colour"] })).toThrow(
      /AWS::IAM::Role has no attribute/,
    );
  });

  it("reports a circular reference instead of overflowing the stack", () => {
    expect(() => resolver().resolve(stateless, { Ref: "Loop" })).toThrow(/circular reference/);
  });

  it("lists outputs by name and by stack-qualified name", () => {
    const { values } = resolver().outputs();

    expect(values.ItemsArnOut).toBe("arn:aws:dynamodb:eu-west-1:111122223333:table/Items");
    expect(values["Stateful.DlqUrlOut"]).toBe("http://127.0.0.1:9324/111122223333/Dlq");
  });
});
