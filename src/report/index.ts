/**
 * edict report: one self-contained HTML page per repository or release. `gatherReport` reads
 * (git, bundle, tests, packs, the previous release); `renderReport` is pure.
 */
export { gatherReport } from "./gather.js";
export type { GatherOptions } from "./gather.js";
export { renderReport } from "./render.js";
export { readPlaygroundScript } from "./runtime-script.js";
export { githubUrlOf } from "./provenance.js";
export type { ReportBundle, ReportChanges, ReportInput, ReportPack, ReportPacks, ReportTests } from "./types.js";
