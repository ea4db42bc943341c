/** Packs that travel: the signed pack envelope, the index beside it, and reading both from a host. */
export { PACK_FORMAT, PACK_PAYLOAD_TYPE, signPack, toPackPayload, verifyPackEnvelope } from "./envelope.js";
export type { PackPayload, SignedPack, VerifiedPack } from "./envelope.js";
export { compareEntries, envelopeFileName, PACK_INDEX_FILE, PACK_INDEX_FORMAT, parsePackIndex, toPackIndexBytes } from "./pack-index.js";
export type { PackIndex, PackIndexEntry } from "./pack-index.js";
export { displayUrl, retrieveBytes } from "./retrieve.js";
export type { RetrieveOptions } from "./retrieve.js";
