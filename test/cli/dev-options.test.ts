import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import {
  endpointOption,
  externalEndpoints,
  portBaseOption,
  portOption,
  resolvePorts,
} from "../../cli/dev-options";
import { DEFAULT_PORTS } from "../../local/cloud";

describe("the local cloud's ports in hitl dev", () => {
  it("keeps the documented defaults when nothing moves them", () => {
    expect(resolvePorts({})).toEqual({ api: 3000, dynamodb: 8000, sqs: 9324, stepfunctions: 8083 });
    expect(resolvePorts({})).toEqual(DEFAULT_PORTS);
  });

  it("lays the four ports out from --port-base, and a service's own option wins", () => {
    expect(resolvePorts({ portBase: 4000 })).toEqual({
      api: 4000,
      dynamodb: 4001,
      sqs: 4002,
      stepfunctions: 4003,
    });
    expect(resolvePorts({ portBase: 4000, sqsPort: 0 })).toMatchObject({ sqs: 0, stepfunctions: 4003 });
    expect(resolvePorts({ dynamodbPort: 8100 })).toMatchObject({ api: 3000, dynamodb: 8100 });
  });

  it("refuses two services on one port, naming both", () => {
    expect(() => resolvePorts({ apiPort: 4200, sqsPort: 4200 })).toThrow(
      "the api and sqs ports are both 4200: give each its own",
    );
    expect(resolvePorts({ apiPort: 0, sqsPort: 0 })).toMatchObject({ api: 0, sqs: 0 });
  });

  it.each(["-1", "65536", "80.5", "eighty", ""])("refuses the port %j, saying what it takes", (value) => {
    expect(() => portOption(value)).toThrow(InvalidArgumentError);
    expect(() => portOption(value)).toThrow("must be a port number from 0 to 65535 (0 picks a free port)");
  });

  it.each(["0", "65533", "4x"])("refuses the port base %j, saying what it takes", (value) => {
    expect(() => portBaseOption(value)).toThrow("must be a whole number from 1 to 65532");
  });

  it("reads good values as numbers", () => {
    expect(portOption("0")).toBe(0);
    expect(portOption("65535")).toBe(65_535);
    expect(portBaseOption("65532")).toBe(65_532);
  });
});

describe("external DynamoDB and SQS endpoints in hitl dev", () => {
  it("starts its own stand-ins when neither an option nor the SDK's variable names one", () => {
    expect(externalEndpoints({}, {})).toEqual({});
    expect(externalEndpoints({}, { AWS_ENDPOINT_URL_DYNAMODB: "", AWS_ENDPOINT_URL_SQS: "" })).toEqual({});
  });

  it("takes the SDK's AWS_ENDPOINT_URL_DYNAMODB and AWS_ENDPOINT_URL_SQS, and an option wins over its variable", () => {
    const env = {
      AWS_ENDPOINT_URL_DYNAMODB: "http://127.0.0.1:5000",
      AWS_ENDPOINT_URL_SQS: "http://127.0.0.1:5001",
    };
    expect(externalEndpoints({}, env)).toEqual({
      dynamodb: "http://127.0.0.1:5000",
      sqs: "http://127.0.0.1:5001",
    });
    expect(externalEndpoints({ sqsEndpoint: "http://127.0.0.1:4566" }, env)).toEqual({
      dynamodb: "http://127.0.0.1:5000",
      sqs: "http://127.0.0.1:4566",
    });
    expect(externalEndpoints({ dynamodbEndpoint: "http://127.0.0.1:4566" }, {})).toEqual({
      dynamodb: "http://127.0.0.1:4566",
    });
  });

  it("reads an endpoint option as a URL without its trailing slash", () => {
    expect(endpointOption("http://127.0.0.1:5000/")).toBe("http://127.0.0.1:5000");
    expect(endpointOption("https://dynamodb.eu-west-1.amazonaws.com")).toBe(
      "https://dynamodb.eu-west-1.amazonaws.com",
    );
  });

  it.each([
    ["127.0.0.1:5000", "is not a URL (e.g. http://127.0.0.1:5000)"],
    ["moto", "is not a URL"],
    ["ftp://127.0.0.1:5000", "must start with http:// or https://"],
  ])("refuses the endpoint %j, saying why", (value, why) => {
    expect(() => endpointOption(value)).toThrow(InvalidArgumentError);
    expect(() => endpointOption(value)).toThrow(why);
  });
});
