/**
 * The shapes of the serve API's request bodies, checked by hand (no schema library on the hot
 * path). Each check returns the typed request or throws a 400 whose message names the field, so a
 * malformed request is never answered with a decision.
 */
import type { AccessRequest, RequestContext } from "../engine/access/types.js";
import { requestProblem } from "../engine/data/request.js";
import type { DataRequest } from "../engine/data/types.js";
import type { PostureFacts } from "../engine/posture/types.js";
import type { ToolFacts } from "../engine/runtime/types.js";
import type { ScanLocation } from "../engine/scan/types.js";
import { badRequest } from "./http-errors.js";

/** Most requests one `/v1/authorize/batch` call may carry. */
export const MAX_BATCH = 10_000;

type Obj = Record<string, unknown>;

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeName(value: unknown): string {
  if (value === undefined) return "nothing";
  return value === null ? "null" : Array.isArray(value) ? "a list" : typeof value;
}

/** The body itself must be a JSON object. */
export function toBody(value: unknown): Obj {
  if (!isObject(value)) throw badRequest(`the body must be a JSON object, got ${typeName(value)}`);
  return value;
}

function requireString(body: Obj, key: string, field: string): string {
  const v = body[key];
  if (typeof v !== "string" || v === "") throw badRequest(`"${field}" must be a non-empty string, got ${v === "" ? "an empty string" : typeName(v)}`);
  return v;
}

function optionalObject(body: Obj, key: string, field: string): Obj | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (!isObject(v)) throw badRequest(`"${field}" must be an object, got ${typeName(v)}`);
  return v;
}

const isScalar = (x: unknown): boolean => typeof x === "string" || typeof x === "number" || typeof x === "boolean";

function toContext(value: Obj, field: string): RequestContext {
  for (const key in value) {
    const v = value[key];
    if (v === null || isScalar(v)) continue;
    if (Array.isArray(v) && v.every(isScalar)) continue;
    throw badRequest(`"${field}.${key}" must be a string, number, boolean, null or a list of them, got ${typeName(v)}`);
  }
  return value as RequestContext;
}

/** `{action, resource, context?}`; `prefix` names the request inside a batch (`requests[3].`). */
export function toAccessRequest(value: unknown, prefix = ""): AccessRequest {
  if (!isObject(value)) throw badRequest(prefix === "" ? `the body must be a JSON object, got ${typeName(value)}` : `"${prefix.slice(0, -1)}" must be an object, got ${typeName(value)}`);
  const action = requireString(value, "action", `${prefix}action`);
  const resource = requireString(value, "resource", `${prefix}resource`);
  const context = optionalObject(value, "context", `${prefix}context`);
  return context === undefined ? { action, resource } : { action, resource, context: toContext(context, `${prefix}context`) };
}

/** `{requests: [...]}`, at most MAX_BATCH, each an access request. */
export function toBatch(value: unknown): AccessRequest[] {
  const body = toBody(value);
  const requests = body.requests;
  if (!Array.isArray(requests)) throw badRequest(`"requests" must be a list of {action, resource, context?}, got ${typeName(requests)}`);
  if (requests.length > MAX_BATCH) throw badRequest(`"requests" holds ${requests.length} requests; at most ${MAX_BATCH} per call`);
  const out = new Array<AccessRequest>(requests.length);
  for (let i = 0; i < requests.length; i++) out[i] = toAccessRequest(requests[i], `requests[${i}].`);
  return out;
}

/** `{uri, facts?}`. */
export function toToolCheck(value: unknown): { uri: string; facts: ToolFacts | undefined } {
  const body = toBody(value);
  const uri = requireString(body, "uri", "uri");
  return { uri, facts: optionalObject(body, "facts", "facts") as ToolFacts | undefined };
}

/** `{request, now?}`; `now` an ISO 8601 time, the server's clock unless given. */
export function toDataDecide(value: unknown, clock: () => Date): { request: DataRequest; now: Date } {
  const body = toBody(value);
  const request = body.request;
  if (!isObject(request)) throw badRequest(`"request" must be an object like {"dataset", "fields", "requester"}, got ${typeName(request)}`);
  let now: Date;
  if (body.now === undefined || body.now === null) now = clock();
  else {
    now = typeof body.now === "string" ? new Date(body.now) : new Date(NaN);
    if (Number.isNaN(now.getTime())) throw badRequest(`"now" must be an ISO 8601 time such as "2026-01-15T09:30:00Z", got ${JSON.stringify(body.now)}`);
  }
  const problem = requestProblem(request, now);
  if (problem !== undefined) throw badRequest(`"request": ${problem}`);
  return { request: request as unknown as DataRequest, now };
}

/** `{text, location}` with location "input" or "output". */
export function toScan(value: unknown): { text: string; location: ScanLocation } {
  const body = toBody(value);
  const text = body.text;
  if (typeof text !== "string") throw badRequest(`"text" must be a string, got ${typeName(text)}`);
  const location = body.location;
  if (location !== "input" && location !== "output") throw badRequest(`"location" must be "input" or "output", got ${JSON.stringify(location) ?? "nothing"}`);
  return { text, location };
}

/** `{facts}`. */
export function toPosture(value: unknown): PostureFacts {
  const body = toBody(value);
  if (!isObject(body.facts)) throw badRequest(`"facts" must be an object, got ${typeName(body.facts)}`);
  return body.facts as PostureFacts;
}
