/**
 * An engine put together from the evaluators of the kinds at hand: access always (its evaluator is
 * part of this module's imports), each other kind through its own compiler (`./kinds/<kind>.ts`).
 * `compileEngine` passes every compiler; the loader passes only those of the kinds it was asked to
 * serve, imported on demand, so an application that answers access requests alone never loads the
 * others. A method of a kind that was not given throws a TypeError: it never answers.
 */
import { compileAccess } from "./access/compiled.js";
import type { Engine } from "./engine.js";
import type { EffectiveTarget } from "./effective.js";

/** The policy kinds compiled apart from access, and the engine methods each answers. */
export const KIND_METHODS = {
  runtime: ["checkTool", "scan"],
  data: ["decideData"],
  posture: ["posture"],
} as const;

export type KindName = keyof typeof KIND_METHODS;

/** Compiles one kind of a target: the engine methods of that kind. Throws when the policy cannot be evaluated. */
export type CompileKind = (target: EffectiveTarget) => Partial<Engine>;

export type KindCompilers = Partial<Record<KindName, CompileKind>>;

/** Compiles access, then every kind in `compilers` in KIND_METHODS order; throws the first compile error. */
export function assembleEngine(target: EffectiveTarget, compilers: KindCompilers): Engine {
  const access = compileAccess(target.access);
  const engine = { authorize: (request) => access.authorize(request) } as Engine;
  for (const [kind, methods] of Object.entries(KIND_METHODS) as [KindName, readonly (keyof Engine)[]][]) {
    const compile = compilers[kind];
    if (compile) Object.assign(engine, compile(target));
    else {
      for (const method of methods) {
        engine[method] = () => {
          throw new TypeError(`${method}: this engine was loaded without the ${kind} evaluator; add "${kind}" to the loader's kinds`);
        };
      }
    }
  }
  return engine;
}
