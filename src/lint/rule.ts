/** The contract every lint rule implements (one rule per file under ./rules). */
import type { Span } from "../model/source.js";
import type { RepoFile, Repository } from "../model/repository.js";
import type { SchemaIssue } from "../model/schemas/validate.js";
import type { TargetMerge } from "../model/merge/index.js";
import type { RuleCategory, Severity } from "./finding.js";
import type { PackOffer } from "../pack/sources/types.js";

export interface RuleMeta {
  /** kebab-case, reads as the problem: "duplicate-policy-id". */
  id: string;
  category: RuleCategory;
  severity: Severity;
  /** One paragraph: what it finds, why it matters, how to fix it. */
  description: string;
  /**
   * The rule's evidence is a file's text, bytes or existence, not its parsed tree, so its
   * findings stand in a file that does not parse. Other rules' findings in such a file are left
   * out: they would describe the tree the parser guessed after the syntax error.
   */
  textual?: boolean;
}

/** Where a finding points: a JSON pointer in a file (key or value), or a raw span. */
export interface FindingLocation {
  file: RepoFile;
  pointer?: string;
  /** Point at the key rather than its value. */
  atKey?: boolean;
  span?: Span;
}

export interface RawFinding extends FindingLocation {
  message: string;
  help?: string;
}

export interface RuleContext {
  readonly repo: Repository;
  /** Options from edict.yaml and the command line. */
  readonly options: LintOptions;
  /** The schema issues of a file, as its validator found them when the repository was read. */
  schemaIssues(file: RepoFile): readonly SchemaIssue[];
  report(finding: RawFinding): void;
  /** Every rule id edict knows (for settings and comments that name rules). */
  readonly ruleIds: ReadonlySet<string>;
  /** The effective policy of every target, merged once and shared by the rules that need it. */
  merged(): readonly TargetMerge[];
}

export interface LintOptions {
  /** Compare against a base revision (rules that need it skip when absent). */
  base?: string;
  /**
   * What each of edict.yaml's `packs.sources` offers, read by the caller before linting (lint
   * itself does no I/O), keyed by source name; `{ error }` when the source could not be read.
   * Rules that need it skip when absent (lint without network).
   */
  sourceOffers?: ReadonlyMap<string, readonly PackOffer[] | { error: string }>;
  /**
   * The text of the public key files `packs.sources[].keys` names, keyed as written there;
   * `{ error }` when the file cannot be read. The key rule skips when absent.
   */
  sourceKeys?: ReadonlyMap<string, string | { error: string }>;
}

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export function defineRule(meta: RuleMeta, check: (ctx: RuleContext) => void): Rule {
  return { meta, check };
}
