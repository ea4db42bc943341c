/** Every lint rule, registered once. Order here is the order rules run (findings are sorted after). */
import type { Rule } from "./rule.js";
import aliasLimit from "./rules/alias-limit.js";
import byteOrderMark from "./rules/byte-order-mark.js";
import dataActionMissingField from "./rules/data-action-missing-field.js";
import dataActionNotExactlyOne from "./rules/data-action-not-exactly-one.js";
import duplicateKey from "./rules/duplicate-key.js";
import duplicatePolicyId from "./rules/duplicate-policy-id.js";
import duplicateSid from "./rules/duplicate-sid.js";
import emptyFile from "./rules/empty-file.js";
import equalPrecedenceConflict from "./rules/equal-precedence-conflict.js";
import lockedFieldChanged from "./rules/locked-field-changed.js";
import tightenOnlyLoosened from "./rules/tighten-only-loosened.js";
import fileTooLarge from "./rules/file-too-large.js";
import insecureWithoutReason from "./rules/insecure-without-reason.js";
import invalidEncoding from "./rules/invalid-encoding.js";
import invalidType from "./rules/invalid-type.js";
import invalidValue from "./rules/invalid-value.js";
import missingConfig from "./rules/missing-config.js";
import missingRequired from "./rules/missing-required.js";
import multiDocumentFile from "./rules/multi-document-file.js";
import nonStringKey from "./rules/non-string-key.js";
import statementActionResource from "./rules/statement-action-resource.js";
import unknownKey from "./rules/unknown-key.js";
import unknownTarget from "./rules/unknown-target.js";
import unsafeKey from "./rules/unsafe-key.js";
import yamlSyntax from "./rules/yaml-syntax.js";

export const RULES: readonly Rule[] = [
  // reading
  yamlSyntax,
  invalidEncoding,
  byteOrderMark,
  fileTooLarge,
  duplicateKey,
  multiDocumentFile,
  unsafeKey,
  aliasLimit,
  emptyFile,
  nonStringKey,
  // schema
  unknownKey,
  invalidType,
  missingRequired,
  invalidValue,
  statementActionResource,
  dataActionNotExactlyOne,
  dataActionMissingField,
  insecureWithoutReason,
  // structure
  missingConfig,
  duplicatePolicyId,
  duplicateSid,
  unknownTarget,
  // merge
  lockedFieldChanged,
  tightenOnlyLoosened,
  equalPrecedenceConflict,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
