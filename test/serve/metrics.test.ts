/** The Prometheus registry: text format 0.0.4, label escaping, cumulative histogram buckets. */
import { describe, expect, it } from "vitest";
import { Counter, escapeLabelValue, Histogram, PROMETHEUS_CONTENT_TYPE, Registry, Sampled } from "../../src/serve/metrics.js";
import { parseExposition } from "./fixtures.js";

describe("metrics registry", () => {
  it("renders counters, sampled gauges and histograms that a parser reads back", () => {
    const registry = new Registry();
    const c = registry.add(new Counter("t_requests_total", "Requests.", ["route", "status"]));
    const h = registry.add(new Histogram("t_duration_seconds", "Duration.", [0.001, 0.01, 0.1]));
    let serial: number | undefined;
    registry.add(new Sampled("t_serial", "Serial.", "gauge", () => serial));
    c.inc(["/a", "200"]);
    c.inc(["/a", "200"]);
    c.inc(["/b", "404"], 3);
    for (const s of [0.0005, 0.001, 0.005, 0.05, 2]) h.observe(s);
    let parsed = parseExposition(registry.render());
    expect(parsed.value("t_requests_total", { route: "/a", status: "200" })).toBe(2);
    expect(parsed.value("t_requests_total", { route: "/b", status: "404" })).toBe(3);
    expect(c.get(["/a", "200"])).toBe(2);
    expect(["0.001", "0.01", "0.1", "+Inf"].map((le) => parsed.value("t_duration_seconds_bucket", { le }))).toEqual([2, 3, 4, 5]);
    expect(parsed.value("t_duration_seconds_count")).toBe(5);
    expect(parsed.value("t_duration_seconds_sum")).toBeCloseTo(2.0565, 10);
    expect(parsed.value("t_serial")).toBeUndefined();
    expect(parsed.types.get("t_serial")).toBe("gauge");
    serial = 7;
    parsed = parseExposition(registry.render());
    expect(parsed.value("t_serial")).toBe(7);
    expect(PROMETHEUS_CONTENT_TYPE).toBe("text/plain; version=0.0.4; charset=utf-8");
  });

  it("escapes backslash, double quote and line feed in label values", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const registry = new Registry();
    registry.add(new Counter("t_total", "T.", ["code"])).inc(['we"ird\\\n']);
    const text = registry.render();
    expect(text).toContain('t_total{code="we\\"ird\\\\\\n"} 1');
    expect(parseExposition(text).value("t_total", { code: 'we"ird\\\n' })).toBe(1);
  });
});
