/** Shape check of a data request from a caller that may not be typed (JavaScript, JSON over a wire). */
import { isRecord } from "../record.js";

const optString = (v: unknown): boolean => v === undefined || typeof v === "string";

/** Why the request cannot be evaluated, or undefined when it is well-formed. */
export function requestProblem(request: unknown, now: unknown): string | undefined {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) return "the evaluation time is not a valid Date";
  if (!isRecord(request)) return "expected an object";
  if (typeof request.dataset !== "string") return "dataset must be a string";
  if (!Array.isArray(request.fields)) return "fields must be a list";
  for (const [i, f] of (request.fields as unknown[]).entries()) {
    if (!isRecord(f) || typeof f.name !== "string") return `fields[${i}] must be an object with a string name`;
    if (!optString(f.sensitivity) || !optString(f.category)) return `fields[${i}]: sensitivity and category must be strings`;
    if (f.tags !== undefined && !(Array.isArray(f.tags) && f.tags.every((t) => typeof t === "string"))) {
      return `fields[${i}]: tags must be a list of strings`;
    }
  }
  if (request.requester !== undefined) {
    const r = request.requester;
    if (!isRecord(r)) return "requester must be an object";
    if (!optString(r.role) || !optString(r.clearance) || !optString(r.region)) return "requester role, clearance and region must be strings";
  }
  if (!optString(request.dataset_region) || !optString(request.environment)) return "dataset_region and environment must be strings";
  return undefined;
}

