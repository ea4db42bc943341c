/** Factory for rules that check `x-format` value syntax declared in the schemas. */
import type { ValueFormat } from "../../model/schemas/builders.js";
import { schemaFor } from "../../model/repository.js";
import { walkWithSchema } from "../../model/schemas/walk.js";
import { defineRule } from "../rule.js";
import type { Rule } from "../rule.js";

/** Returns a message when the value is bad, undefined when fine. */
export type FormatCheck = (value: string) => string | undefined;

export function formatRule(id: string, checks: Partial<Record<ValueFormat, FormatCheck>>, description: string, help?: string): Rule {
  return defineRule({ id, category: "schema", severity: "error", description }, (ctx) => {
    for (const file of ctx.repo.files) {
      const schema = schemaFor(file);
      if (!schema || file.source.value === undefined) continue;
      walkWithSchema(file.source.value, schema, (pointer, value, sub) => {
        const format = sub["x-format"];
        if (!format || typeof value !== "string") return;
        const check = checks[format];
        const message = check?.(value);
        if (message) ctx.report({ file, pointer, message, ...(help ? { help } : {}) });
      });
    }
  });
}

/** Adapts a ValueResult-returning parser to a FormatCheck. */
export function fromResult(parse: (v: string) => { ok: true } | { ok: false; message: string }): FormatCheck {
  return (v) => {
    const r = parse(v);
    return r.ok ? undefined : r.message;
  };
}
