import { describe, expect, it } from "vitest";
import { count, marginPp, pp, ppInterval, pValue, relPct, usd } from "../../../core/report/words";

describe("numbers in the report's sentences", () => {
  it("writes differences in signed percentage points and intervals with an en dash or 'to'", () => {
    expect(pp(0.182)).toBe("+18.2 pp");
    expect(pp(-0.0034, 2)).toBe("−0.34 pp");
    expect(pp(null)).toBe("–");
    expect(ppInterval([0.169, 0.195])).toBe("16.9–19.5");
    expect(ppInterval([-0.031, 0.012])).toBe("−3.1 to 1.2");
  });

  it("writes dollars with enough digits for per-decision amounts and thousands separators for totals", () => {
    expect(usd(-0.031)).toBe("−$0.031");
    expect(usd(0.000012, true)).toBe("+$0.000012");
    expect(usd(0.001)).toBe("$0.001");
    expect(usd(1329.191)).toBe("$1,329.19");
    expect(usd(0)).toBe("$0");
  });

  it("writes relative changes, margins, p-values and counts", () => {
    expect(relPct(-0.22)).toBe("−22%");
    expect(relPct(0.004)).toBe("+0.4%");
    expect(marginPp(0.01)).toBe("1 pp");
    expect(marginPp(0.005)).toBe("0.5 pp");
    expect(pValue(0.00001)).toBe("p < 0.0001");
    expect(pValue(0.0123)).toBe("p = 0.012");
    expect(pValue(0.00234)).toBe("p = 0.0023");
    expect(count(1234567)).toBe("1,234,567");
  });
});
