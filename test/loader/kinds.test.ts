/**
 * The loader's `kinds`: which evaluators besides access it loads (each on demand) and compiles.
 * All of them unless told; a method of a kind not served throws and never answers, and a kind not
 * served is not compiled, so its policy cannot refuse a bundle.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { EffectiveDataRule } from "../../src/engine/effective.js";
import { compileEngine } from "../../src/engine/engine.js";
import { createLoader } from "../../src/loader/index.js";
import type { LoaderOptions } from "../../src/loader/index.js";
import { BUNDLE_4, bundleEdited, loaderTracker, optionsFor, rejectionOf, samplePayload, serveBytes, startServer } from "./helpers.js";
import type { TestServer } from "./helpers.js";

let server: TestServer;
const { track, closeAll } = loaderTracker();

beforeAll(async () => {
  server = await startServer();
});
afterEach(() => closeAll());
afterAll(async () => {
  await server.close();
});

const SELECT = { action: "db:Select", resource: "db://production/users" };
const TOOL = "mcp://vision/detect@1.2.0";
const DATA = { requester: { role: "analyst" }, dataset: "users", fields: [{ name: "email" }] };
const FACTS = { environment: "local" as const, encryption: true, securityScore: 90 };

/** A bundle whose data policy cannot be evaluated (a rule with no action). */
const BROKEN_DATA = bundleEdited((p) => {
  p.serial = 5;
  const rule: EffectiveDataRule = { id: "no-action", precedence: 1, source: { policy: "no-action", file: "policies/data.yaml" }, spec: { action: {} } };
  p.targets.production!.data.rules.push(rule);
});

async function served(extra: Partial<LoaderOptions>, bytes = BUNDLE_4) {
  server.handle = serveBytes(bytes);
  return track(optionsFor(server.url, extra)).load();
}

describe("the loader's kinds", () => {
  it("serves every kind unless told, answering as compileEngine does", async () => {
    const engine = await served({});
    const direct = compileEngine(samplePayload().payload.targets.production!);
    expect(engine.authorize(SELECT)).toEqual(direct.authorize(SELECT));
    expect(engine.checkTool(TOOL, { sast: "failed" })).toEqual(direct.checkTool(TOOL, { sast: "failed" }));
    expect(engine.checkTool("not a uri")).toEqual(direct.checkTool("not a uri"));
    expect(engine.decideData(DATA)).toEqual(direct.decideData(DATA));
    expect(engine.scan("API_KEY=abc", "output")).toEqual(direct.scan("API_KEY=abc", "output"));
    expect(engine.posture(FACTS)).toEqual(direct.posture(FACTS));
  });

  it("with access alone, only authorize answers; every other method throws a TypeError naming the kind to add", async () => {
    const engine = await served({ kinds: ["access"] });
    expect(engine.authorize(SELECT).decision).toBe("allow");
    expect(() => engine.checkTool(TOOL)).toThrow(new TypeError('checkTool: this engine was loaded without the runtime evaluator; add "runtime" to the loader\'s kinds'));
    expect(() => engine.scan("x", "input")).toThrow(/^scan: .*without the runtime evaluator/);
    expect(() => engine.decideData(DATA)).toThrow(/^decideData: .*without the data evaluator; add "data"/);
    expect(() => engine.posture(FACTS)).toThrow(/^posture: .*without the posture evaluator; add "posture"/);
  });

  it("serves the kinds listed, in any order, and no others", async () => {
    const engine = await served({ kinds: ["posture", "data"] });
    const direct = compileEngine(samplePayload().payload.targets.production!);
    expect(engine.decideData(DATA)).toEqual(direct.decideData(DATA));
    expect(engine.posture(FACTS)).toEqual(direct.posture(FACTS));
    expect(() => engine.checkTool(TOOL)).toThrow(TypeError);
    // the empty list: access alone, as with ["access"]
    const accessOnly = await served({ kinds: [] });
    expect(accessOnly.authorize(SELECT).decision).toBe("allow");
    expect(() => accessOnly.decideData(DATA)).toThrow(TypeError);
  });

  it("refuses a bundle whose served kind does not compile, and admits it when that kind is not served", async () => {
    const all = track(optionsFor(server.url));
    server.handle = serveBytes(BROKEN_DATA);
    const e = await rejectionOf(all.load());
    expect(e.code).toBe("FORMAT_ERROR");
    expect(e.message).toMatch(/target production does not compile: .*no-action/);
    expect(all.engine).toBeUndefined();
    const engine = await served({ kinds: ["access", "runtime", "posture"] }, BROKEN_DATA);
    expect(engine.meta.serial).toBe(5);
    expect(engine.authorize(SELECT).decision).toBe("allow");
    expect(() => engine.decideData(DATA)).toThrow(TypeError);
  });

  it("rejects kinds that are not a list of policy kinds, before anything is fetched", () => {
    for (const kinds of ["runtime", ["runtime", "tools"], [1], null, { runtime: true }]) {
      expect(() => createLoader(optionsFor(server.url, { kinds } as unknown as Partial<LoaderOptions>))).toThrow(
        new TypeError('createLoader: kinds must list policy kinds among "access", "runtime", "data", "posture"'),
      );
    }
  });
});
