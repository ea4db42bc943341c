/**
 * OCI references of edict bundles: `oci://HOST[:PORT]/REPO:TAG` and `oci://HOST[:PORT]/REPO@sha256:DIGEST`,
 * with the name, tag and digest grammars of the OCI distribution specification (§ "Pulling
 * manifests"). Pure and runtime-neutral: the loader's OCI entry point imports it.
 */

export interface OciReference {
  /** `host` or `host:port`. */
  host: string;
  /** The repository name, e.g. `acme/policies`. */
  repository: string;
  /** The tag; undefined when the reference is pinned by digest alone. */
  tag?: string;
  /** `sha256:<64 hex>` when pinned: that exact manifest and no other. */
  digest?: string;
}

const COMPONENT = "[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*";
const REFERENCE = new RegExp(
  `^oci://([A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\\d{1,5})?)/(${COMPONENT}(?:/${COMPONENT})*)(?::([A-Za-z0-9_][A-Za-z0-9._-]{0,127}))?(?:@(sha256:[a-f0-9]{64}))?$`,
);

/** What an OCI reference must look like, for messages. */
export const OCI_REFERENCE_FORM = "oci://HOST[:PORT]/REPO:TAG or oci://HOST[:PORT]/REPO@sha256:DIGEST";

/** Parses `oci://…`; undefined when it is not a valid reference with a tag or a digest. */
export function parseOciReference(text: string): OciReference | undefined {
  const m = typeof text === "string" ? REFERENCE.exec(text) : null;
  if (!m || (m[3] === undefined && m[4] === undefined) || m[2]!.length > 255) return undefined;
  return { host: m[1]!, repository: m[2]!, ...(m[3] === undefined ? {} : { tag: m[3] }), ...(m[4] === undefined ? {} : { digest: m[4] }) };
}

/** The digest when pinned, else the tag: what goes after `/manifests/`. */
export function manifestReference(ref: OciReference): string {
  return ref.digest ?? ref.tag!;
}

/** `https://HOST/v2/REPO` (`http://` with `plainHttp`): the base of every request. */
export function repositoryUrl(ref: OciReference, plainHttp: boolean): string {
  return `${plainHttp ? "http" : "https"}://${ref.host}/v2/${ref.repository}`;
}

/** `oci://HOST/REPO:TAG` or `…@sha256:…` again, for messages. */
export function formatOciReference(ref: OciReference): string {
  return `oci://${ref.host}/${ref.repository}${ref.tag === undefined ? "" : `:${ref.tag}`}${ref.digest === undefined ? "" : `@${ref.digest}`}`;
}
