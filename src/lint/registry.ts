/** Every lint rule, registered once. Order here is the order rules run (findings are sorted after). */
import type { Rule } from "./rule.js";
import priorityOutsideBand from "./rules/priority-outside-band.js";
import overlappingBands from "./rules/overlapping-bands.js";
import layerInversion from "./rules/layer-inversion.js";
import dependencyMissing from "./rules/dependency-missing.js";
import dependencyCycle from "./rules/dependency-cycle.js";
import dependencyRangeUnmet from "./rules/dependency-range-unmet.js";
import installedFileModified from "./rules/installed-file-modified.js";
import installedFileMissing from "./rules/installed-file-missing.js";
import packDrift from "./rules/pack-drift.js";
import fileNotNamedAfterPack from "./rules/file-not-named-after-pack.js";
import packChangedWithoutVersionBump from "./rules/pack-changed-without-version-bump.js";
import invalidPack from "./rules/invalid-pack.js";
import packSourceWithoutKeys from "./rules/pack-source-without-keys.js";
import packSourceKindUnclear from "./rules/pack-source-kind-unclear.js";
import packSourceDuplicateName from "./rules/pack-source-duplicate-name.js";
import packSourceReservedName from "./rules/pack-source-reserved-name.js";
import packSourceInvalidKey from "./rules/pack-source-invalid-key.js";
import packSourceUnusedToken from "./rules/pack-source-unused-token.js";
import packSourceUnreachable from "./rules/pack-source-unreachable.js";
import packNewerInRange from "./rules/pack-newer-in-range.js";
import invalidDuration from "./rules/invalid-duration.js";
import invalidSize from "./rules/invalid-size.js";
import invalidMoney from "./rules/invalid-money.js";
import invalidVersion from "./rules/invalid-version.js";
import invalidPattern from "./rules/invalid-pattern.js";
import invalidRegex from "./rules/invalid-regex.js";
import regexCatastrophicBacktracking from "./rules/regex-catastrophic-backtracking.js";
import invalidTime from "./rules/invalid-time.js";
import invalidSemver from "./rules/invalid-semver.js";
import unknownReasonCode from "./rules/unknown-reason-code.js";
import unknownConditionOperator from "./rules/unknown-condition-operator.js";
import invalidCidr from "./rules/invalid-cidr.js";
import invalidDate from "./rules/invalid-date.js";
import invalidArn from "./rules/invalid-arn.js";
import invalidConditionValue from "./rules/invalid-condition-value.js";
import wildcardAllowInProduction from "./rules/wildcard-allow-in-production.js";
import allowWithNotAction from "./rules/allow-with-not-action.js";
import forAllValuesWithoutNull from "./rules/for-all-values-without-null.js";
import ifExistsInDeny from "./rules/if-exists-in-deny.js";
import negatedConditionAllowsMissingKey from "./rules/negated-condition-allows-missing-key.js";
import negatedConditionMissingKeyChanged from "./rules/negated-condition-missing-key-changed.js";
import auditLogOff from "./rules/audit-log-off.js";
import noResourceLimits from "./rules/no-resource-limits.js";
import allowInsecureInProduction from "./rules/allow-insecure-in-production.js";
import observeModeInProduction from "./rules/observe-mode-in-production.js";
import unpinnedToolVersion from "./rules/unpinned-tool-version.js";
import privateKeyInRepository from "./rules/private-key-in-repository.js";
import signingKeyInRepository from "./rules/signing-key-in-repository.js";
import statementShadowedByDeny from "./rules/statement-shadowed-by-deny.js";
import allowGrantsNothingNew from "./rules/allow-grants-nothing-new.js";
import approvalNeverReachable from "./rules/approval-never-reachable.js";
import containsRarelyMatches from "./rules/contains-rarely-matches.js";
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
import unknownRule from "./rules/unknown-rule.js";
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
  // value syntax
  invalidDuration,
  invalidSize,
  invalidMoney,
  invalidVersion,
  invalidPattern,
  invalidRegex,
  regexCatastrophicBacktracking,
  invalidTime,
  invalidSemver,
  unknownReasonCode,
  unknownConditionOperator,
  invalidCidr,
  invalidDate,
  invalidArn,
  invalidConditionValue,
  // structure
  missingConfig,
  duplicatePolicyId,
  duplicateSid,
  unknownTarget,
  unknownRule,
  // packs
  invalidPack,
  priorityOutsideBand,
  overlappingBands,
  layerInversion,
  dependencyMissing,
  dependencyCycle,
  dependencyRangeUnmet,
  installedFileModified,
  installedFileMissing,
  packDrift,
  fileNotNamedAfterPack,
  packChangedWithoutVersionBump,
  // pack sources (edict.yaml `packs.sources`; the last two read what the lint command fetched)
  packSourceWithoutKeys,
  packSourceKindUnclear,
  packSourceDuplicateName,
  packSourceReservedName,
  packSourceInvalidKey,
  packSourceUnusedToken,
  packSourceUnreachable,
  packNewerInRange,
  // merge
  lockedFieldChanged,
  tightenOnlyLoosened,
  equalPrecedenceConflict,
  // security
  wildcardAllowInProduction,
  allowWithNotAction,
  forAllValuesWithoutNull,
  negatedConditionAllowsMissingKey,
  ifExistsInDeny,
  negatedConditionMissingKeyChanged,
  auditLogOff,
  noResourceLimits,
  allowInsecureInProduction,
  observeModeInProduction,
  unpinnedToolVersion,
  privateKeyInRepository,
  signingKeyInRepository,
  // effect
  statementShadowedByDeny,
  allowGrantsNothingNew,
  approvalNeverReachable,
  containsRarelyMatches,
];

export function findRule(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
