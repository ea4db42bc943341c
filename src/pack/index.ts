/**
 * Policy packs: versioned, layered, dependency-aware bundles of policies.
 *
 * model (metadata, files, checksum) → checks (dependencies, bands, layers) → plan (install,
 * upgrade, remove as pure file changes) → apply (all-or-nothing on disk); drift and verify
 * compare what is installed with what is shipped.
 */
export { fileSha256, normaliseLineEnds, packChecksum } from "./checksum.js";
export type { ChecksumInput } from "./checksum.js";
export { parseDependency, satisfiesDependency } from "./dependency.js";
export type { Dependency, DependencyParse } from "./dependency.js";
export { installedPath, isInstalledPathOf, isPackName, isWritablePackPath, NAME_RE, packNameProblem, parseInstalledPath, parsePolicyFileName } from "./names.js";
export type { InstalledName, PolicyFileName } from "./names.js";
export { bandProblems, isPackContentPath, PACK_METADATA_FILE, toShippedPack, toShippedPacks } from "./model.js";
export type { PackFile, PackPolicy, PackProblem, PackProblemCode, PriorityBand, ShippedPack, ShippedPacks } from "./model.js";
export {
  bandBelowLowerLayer,
  bandsOverlap,
  dependencyOrder,
  dependsUpward,
  findCycles,
  formatBand,
  formatCycle,
  isValidBand,
  LAYER_RANK,
  layerRank,
} from "./checks.js";
export { emptyState, parseState, STATE_FORMAT_VERSION, toPackState, toStateYaml, toTimestamp } from "./state.js";
export type { StateParse } from "./state.js";
export { identityOf, installedPacksOf, repoFileBytes, shippedPacksOf, worldOf } from "./view.js";
export type { InstalledFileView, InstalledPackView, PackWorld, PolicyIdentity } from "./view.js";
export { isNoopPlan, outdatedPacks, parsePackRequest, planInstall, planRemove, planUpgrade, planUpgradeAll } from "./plan.js";
export type { PackChange, PackInput, PackOperation, PackPlan, PackRequest, PlanFile, PlanOptions } from "./plan.js";
export { computeDrift, formatOutdated, listPacks } from "./drift.js";
export type { DriftFinding, DriftKind, PackListEntry, PackStatus } from "./drift.js";
export { verifyInstalled } from "./verify.js";
export type { PackVerification, VerifyReport } from "./verify.js";
export { describePlan, stateDiff } from "./describe.js";
export { basePacksOf, basePacksOfRepository } from "./base.js";
export type { BasePack, PackLintOptions } from "./base.js";
export { applyPlan, nodeFs, recoverInterrupted, STAGING_PREFIX } from "./apply.js";
export type { ApplyOptions, ApplyResult, FileKind, PackFs } from "./apply.js";
export { packsSourceOf, readShippedPacks } from "./read-packs.js";
export { installedForm } from "./plan.js";
export { planInstallPacks, planReinstall, planUpgradePacks } from "./plan-fetched.js";
export type { PlannedPack } from "./plan.js";
export { firstOffering, highestSatisfying, newestIn, resolveInstall } from "./resolve.js";
export type { InstalledVersion, Resolution, ResolvedPack, ResolveOptions, SourceOffers } from "./resolve.js";
export { installedContent, sameExceptModeline, schemaReference, withoutModeline } from "./modeline.js";
export { planSourcedInstall, planSourcedReinstall } from "./install.js";
export type { SourcedInstallOptions } from "./install.js";
export { fetchInstalled, readOffers, schemaFilesOf, withPlanApplied } from "./sourced.js";
export { outdatedOf, planDiff, planSourcedUpgrade, proposePackUpgrades, upgradeTargets } from "./upgrades.js";
export type { OutdatedRow, UpgradeProposal, UpgradeTarget } from "./upgrades.js";
export { listSourcedPacks } from "./drift.js";
export type { SourcedListEntry } from "./drift.js";
export { sourceOfEntry } from "./state.js";
