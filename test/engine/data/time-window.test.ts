import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileTimeWindow } from "../../../src/engine/data/index.js";
import { parseTimeOfDay, validateTimezone } from "../../../src/model/values/time.js";

// The loader checks `context.time` with its own short code; it must refuse exactly what lint's
// parseTimeOfDay and validateTimezone refuse.
describe("compileTimeWindow", () => {
  const times = fc.oneof(
    fc.tuple(fc.nat(30), fc.nat(70)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`),
    fc.constantFrom("9:00", "09:00 ", "٠٩:٠٠", "24:00", "23:59", "00:00", "0900"),
    fc.string({ maxLength: 6 }),
  );
  const zones = fc.oneof(fc.constantFrom("UTC", "utc", "Europe/Berlin", "europe/berlin", "Mars/Olympus", "", "+02:00", "-0100", "Etc/GMT+2", "EST"), fc.string({ maxLength: 6 }));

  it("accepts exactly the times and zones the value parsers accept", () => {
    fc.assert(
      fc.property(times, zones, (time, timezone) => {
        const valid = parseTimeOfDay(time).ok && validateTimezone(timezone).ok;
        const window = compileTimeWindow({ after: time, timezone });
        expect(typeof window !== "string", `${time} ${timezone}`).toBe(valid);
        if (typeof window === "string") expect(window).toMatch(/^(bad timezone|after: bad time) /);
      }),
      { numRuns: 2000 },
    );
  });

  it("windows: same day, across midnight, empty, one-sided, always", () => {
    const inside = (time: { after?: string; before?: string }, minutes: number[]) => {
      const w = compileTimeWindow(time);
      if (typeof w === "string") throw new Error(w);
      return minutes.map((m) => w.contains(m));
    };
    expect(inside({ after: "09:00", before: "17:00" }, [539, 540, 1019, 1020])).toEqual([false, true, true, false]);
    expect(inside({ after: "19:00", before: "07:00" }, [1139, 1140, 0, 419, 420])).toEqual([false, true, true, true, false]);
    expect(inside({ after: "10:00", before: "10:00" }, [0, 600, 1439])).toEqual([false, false, false]);
    expect(inside({ after: "10:00" }, [599, 600])).toEqual([false, true]);
    expect(inside({ before: "10:00" }, [599, 600])).toEqual([true, false]);
    expect(inside({}, [0, 1439])).toEqual([true, true]);
  });
});
