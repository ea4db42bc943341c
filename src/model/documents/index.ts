/** One validator per repository file kind: each returns the typed view and the schema issues at once. */
export { validateConfig } from "./config.js";
export { validatePackMeta } from "./pack-meta.js";
export { validatePackState } from "./pack-state.js";
export { policyFileSchema, policyKindOf, validatePolicyDocument } from "./policy-document.js";
export type { Validated } from "./typed-view.js";
