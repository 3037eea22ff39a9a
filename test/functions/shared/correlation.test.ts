import { describe, expect, it } from "vitest";
import { correlationKeys, pathKeys } from "../../../functions/shared/correlation";

describe("correlation keys", () => {
  it("finds the decision, review and experiment ids at the top of an event or one level down", () => {
    // Arrange
    const router = { request: { decisionId: "d-1", experimentId: "exp-1", unitId: "u" }, actor: "p" };
    const step = { action: "settle", state: { reviewId: "rv-1", decisionId: "d-2", experimentId: "exp-2" } };

    // Act
    const keys = [correlationKeys(router), correlationKeys(step)];

    // Assert
    expect(keys).toEqual([
      { decisionId: "d-1", experimentId: "exp-1" },
      { decisionId: "d-2", reviewId: "rv-1", experimentId: "exp-2" },
    ]);
  });

  it("ignores what is not a non-empty string id, deeper levels and anything not an object", () => {
    // Arrange
    const odd = { decisionId: 7, reviewId: "", deep: { deeper: { experimentId: "exp-9" } } };

    // Act
    const keys = [correlationKeys(odd), correlationKeys("text"), correlationKeys([{ decisionId: "d" }])];

    // Assert
    expect(keys).toEqual([{}, {}, {}]);
  });

  it("names a route's {id} by the collection it belongs to", () => {
    // Arrange
    const id = { id: "x-1" };

    // Act
    const keys = [
      pathKeys("POST /v1/decisions/{id}/withdraw", id),
      pathKeys("POST /v1/reviews/{id}/verdict", id),
      pathKeys("GET /v1/experiments/{id}/report", id),
      pathKeys("POST /v1/queues/{queue}/claim", { queue: "q" }),
    ];

    // Assert
    expect(keys).toEqual([{ decisionId: "x-1" }, { reviewId: "x-1" }, { experimentId: "x-1" }, {}]);
  });
});
