import { describe, expect, it } from "vitest";
import {
  assertInOrder,
  compareSequence,
  isSequenceNumber,
  recordsAfter,
} from "../../../core/metrics/stream-position";

describe("stream positions", () => {
  it("orders sequence numbers by value, beyond a Number's precision and across lengths", () => {
    // Arrange
    const small = "900000000000000000001";
    const large = "1000000000000000000000000000000000000001";
    const next = "1000000000000000000000000000000000000002";

    // Act
    const results = [
      compareSequence(small, large),
      compareSequence(next, large),
      compareSequence(large, large),
    ];

    // Assert
    expect(results).toEqual([-1, 1, 0]);
  });

  it("refuses something that is not a sequence number, naming it", () => {
    // Act
    const compare = () => compareSequence("123", "12a");

    // Assert
    expect(compare).toThrow(/not a stream sequence number: 12a/);
    expect([
      isSequenceNumber(""),
      isSequenceNumber("-1"),
      isSequenceNumber(7),
      isSequenceNumber("42"),
    ]).toEqual([false, false, false, true]);
  });

  it("keeps only the records after the mark, in order, and all of them without a mark", () => {
    // Arrange
    const records = ["100", "205", "310", "1000"].map((sequence) => ({ sequence }));

    // Act
    const afterMark = recordsAfter(records, "205");
    const withoutMark = recordsAfter(records, undefined);
    const pastAll = recordsAfter(records, "5000");

    // Assert
    expect(afterMark.map((r) => r.sequence)).toEqual(["310", "1000"]);
    expect(withoutMark).toEqual(records);
    expect(pastAll).toEqual([]);
  });

  it("refuses a batch that is not in shard order", () => {
    // Arrange
    const ordered = [{ sequence: "9" }, { sequence: "10" }];
    const reversed = [{ sequence: "10" }, { sequence: "9" }];
    const repeated = [{ sequence: "10" }, { sequence: "10" }];

    // Act & Assert
    expect(() => assertInOrder(ordered)).not.toThrow();
    expect(() => assertInOrder(reversed)).toThrow(/out of order: 9 after 10/);
    expect(() => assertInOrder(repeated)).toThrow(/out of order/);
  });
});
