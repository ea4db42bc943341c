/** The IAM differential test's generators, domain check and oracle (see ../iam-conformance.test.ts). */
export * from "./arn.js";
export * from "./catalog.js";
export * from "./domain.js";
export * from "./generators.js";
export * from "./oracle.js";
