import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDurationMs } from "../../../src/engine/data/duration.js";
import { parseDuration } from "../../../src/model/values/units.js";

// The loader reads `action.ttl` with its own small parser; it must accept exactly what lint's
// parseDuration accepts, with the same value.
describe("parseDurationMs", () => {
  it("agrees with parseDuration on written examples", () => {
    const examples = ["45m", "1h30m", "500ms", "2d", "1.5h", "0.5s", "1m5ms", "1w2d3h4m5s6ms", "1.0005s", "1.5ms", "1ms5s", "1h1h", "1", "1x", "1M", "", " 1s", "-1s", "+1s", "9007199254740992ms", "104249991375d"];
    for (const text of examples) {
      const r = parseDuration(text);
      expect(parseDurationMs(text), text).toBe(r.ok ? r.value : undefined);
    }
  });

  it("agrees with parseDuration on random texts", () => {
    const units = fc.constantFrom("w", "d", "h", "m", "s", "ms", "M", "x", "", " ");
    const number = fc.oneof(fc.nat(99).map(String), fc.tuple(fc.nat(99), fc.nat(9999)).map(([a, b]) => `${a}.${b}`));
    const text = fc.oneof(fc.array(fc.tuple(number, units).map(([n, u]) => n + u), { maxLength: 4 }).map((parts) => parts.join("")), fc.string());
    fc.assert(
      fc.property(text, (t) => {
        const r = parseDuration(t);
        expect(parseDurationMs(t)).toBe(r.ok ? r.value : undefined);
      }),
      { numRuns: 5000 },
    );
  });

  it("rejects what is not a string", () => {
    for (const v of [undefined, null, 45, {}, ["45m"]]) expect(parseDurationMs(v)).toBeUndefined();
  });
});
