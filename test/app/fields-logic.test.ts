import { describe, expect, it } from "vitest";
import { fieldOf, fieldText, fieldValue, leaves, parentOf, setAt } from "../../app/src/fields-logic";

const config = {
  id: "exp-1",
  labels: ["approve", "deny"],
  arms: [
    { id: "a", weight: 0.5, policy: { autoAcceptAbove: 0.9, paused: false } },
    { id: "b", weight: 0.5, policy: { autoAcceptAbove: 0.8, paused: false } },
  ],
};

describe("the editor's fields", () => {
  it("lists every value of a config by the API's path names, lists of scalars as one field", () => {
    expect(leaves(config).map((l) => l.path)).toEqual([
      "id",
      "labels",
      "arms[0].id",
      "arms[0].weight",
      "arms[0].policy.autoAcceptAbove",
      "arms[0].policy.paused",
      "arms[1].id",
      "arms[1].weight",
      "arms[1].policy.autoAcceptAbove",
      "arms[1].policy.paused",
    ]);
  });

  it("reads a field's text as the kind of value it held, and keeps text that is not one for the API to name", () => {
    expect(fieldValue(" 0.85 ", 0.8)).toBe(0.85);
    expect(fieldValue("high", 0.8)).toBe("high");
    expect(fieldValue("true", false)).toBe(true);
    expect(fieldValue('["approve","deny","escalate"]', ["approve"])).toEqual(["approve", "deny", "escalate"]);
    expect(fieldText(["approve", "deny"])).toBe('["approve","deny"]');
  });

  it("changes one value of a copy of the config", () => {
    const changed = setAt(config, ["arms", 1, "policy", "autoAcceptAbove"], 0.85) as typeof config;

    expect(changed.arms[1]?.policy.autoAcceptAbove).toBe(0.85);
    expect(config.arms[1]?.policy.autoAcceptAbove).toBe(0.8);
    expect(changed.arms[0]).toBe(config.arms[0]);
  });

  it("puts an issue at its field, an issue on a group or a missing field at the group's first field, and the whole config's at none", () => {
    const paths = leaves(config).map((l) => l.path);

    expect(fieldOf("arms[1].weight", paths)).toBe("arms[1].weight");
    expect(fieldOf("arms[1].policy", paths)).toBe("arms[1].policy.autoAcceptAbove");
    expect(fieldOf("arms[1].policy.sla.tiers", paths)).toBe("arms[1].policy.autoAcceptAbove");
    expect(fieldOf("control", paths)).toBeUndefined();
    expect(fieldOf("experiment", paths)).toBeUndefined();
    expect(parentOf("arms[1].policy.queue")).toBe("arms[1].policy");
    expect(parentOf("arms[1]")).toBe("arms");
    expect(parentOf("arms")).toBe("");
  });
});
