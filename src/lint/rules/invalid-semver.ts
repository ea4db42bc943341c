import semver from "semver";
import { formatRule } from "./format-rule.js";

export default formatRule(
  "invalid-semver",
  {
    semver: (v) => (semver.valid(v) ? undefined : `"${v}" is not a semantic version like 1.2.0`),
    "semver-range": (v) => {
      const at = v.indexOf("@");
      if (at < 0) return /^[a-z0-9][a-z0-9_-]*$/.test(v) ? undefined : `dependency "${v}" is not a pack name`;
      return semver.validRange(v.slice(at + 1)) ? undefined : `dependency "${v}" has an invalid version range`;
    },
    "version-range": (v) => (semver.validRange(v) ? undefined : `"${v}" is not a version range like ^1.0.0`),
  },
  "A version that is not semantic versioning (`1.2.0`), or a pack dependency that is not `name` or `name@<range>` (`starter@^1.0.0`). edict compares versions to detect drift and order releases; an invalid one breaks both. Write a semantic version.",
);
