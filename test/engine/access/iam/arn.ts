/**
 * ARNs as IAM reads them, for the generators and the domain check: the six parts, the resource
 * type IAM keeps wildcards out of, and the two readings of a resource pattern (IAM's segment by
 * segment, edict's whole string) whose disagreement is deliberate difference 3.
 */

/** `arn:partition:service:region:account:resource` → its six parts (the resource keeps its colons). */
export function arnParts(arn: string): [string, string, string, string, string, string] | undefined {
  const parts = arn.split(":");
  if (parts.length < 6) return undefined;
  return [parts[0]!, parts[1]!, parts[2]!, parts[3]!, parts[4]!, parts.slice(5).join(":")];
}

/**
 * The resource-type prefix of an ARN's resource part, separator included (`table/`,
 * `function:`), which IAM does not let wildcards into; "" for S3 buckets and objects, SNS topics
 * and SQS queues, whose resource part is all id, and for a resource part without `/` or `:`.
 */
export function resourceTypePrefix(service: string, region: string, account: string, resource: string): string {
  if ((service === "s3" && region === "" && account === "") || service === "sns" || service === "sqs") return "";
  const cut = resource.search(/[/:]/);
  return cut < 0 ? "" : resource.slice(0, cut + 1);
}

const escapeRegex = (c: string): string => c.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
function glob(pattern: string, value: string, ignoreCase = false): boolean {
  const source = [...pattern].map((c) => (c === "*" ? ".*" : c === "?" ? "." : escapeRegex(c))).join("");
  return new RegExp(`^${source}$`, ignoreCase ? "is" : "s").test(value);
}

/** IAM's reading: `*` is everything; otherwise ARN segment by segment (the first four case-insensitive); a specific ARN never matches `*`. */
export function segmentMatch(pattern: string, resource: string): boolean {
  if (pattern === "*") return true;
  const p = arnParts(pattern);
  const r = arnParts(resource);
  if (p === undefined || r === undefined || p[0] !== "arn" || r[0] !== "arn") return false;
  return [1, 2, 3, 4].every((k) => glob(p[k]!, r[k]!, true)) && glob(p[5], r[5]);
}

/** edict's reading: the whole string with `*` and `?`. */
export const wholeMatch = (pattern: string, resource: string): boolean => glob(pattern, resource);

/** Both readings give the same answer (outside difference 3). */
export const sameBothWays = (pattern: string, resource: string): boolean => segmentMatch(pattern, resource) === wholeMatch(pattern, resource);
