/** Pattern matching shared by lint and the access evaluators: IAM wildcards and IP/CIDR ranges. */
export {
  compileWildcard,
  hasWildcard,
  matchWildcard,
  validateActionPattern,
  validateResourcePattern,
} from "./wildcard.js";
export type { WildcardMatcher, WildcardOptions } from "./wildcard.js";
export { cidrContains, parseCidr, parseIp, validateCidr } from "./cidr.js";
export type { CidrRange, IpAddress, IpFamily, Words } from "./cidr.js";
