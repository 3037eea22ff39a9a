import { InvalidArgumentError } from "commander";
import { describe, expect, it } from "vitest";
import { portBaseOption, portOption, resolvePorts } from "../../cli/dev-options";
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
