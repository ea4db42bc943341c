/**
 * Inline suppressions: `# edict-disable-next-line rule-a, rule-b -- reason` silences those
 * rules on the next line. Comments exist only in YAML, so JSON files have none.
 */

export interface Suppression {
  /** 1-based line the comment silences. */
  line: number;
  rules: Set<string>;
  reason?: string;
}

const DIRECTIVE = /#\s*edict-disable-next-line\b([^\n]*)/;

export function parseSuppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const m = DIRECTIVE.exec(line);
    if (!m) return;
    const [rulesPart, ...reasonParts] = m[1]!.split("--");
    const rules = new Set(
      rulesPart!
        .split(/[\s,]+/)
        .map((r) => r.trim())
        .filter(Boolean),
    );
    const reason = reasonParts.join("--").trim();
    out.push({ line: i + 2, rules, ...(reason ? { reason } : {}) });
  });
  return out;
}

export function isSuppressed(suppressions: readonly Suppression[], rule: string, line: number): boolean {
  return suppressions.some((s) => s.line === line && (s.rules.size === 0 || s.rules.has(rule)));
}
