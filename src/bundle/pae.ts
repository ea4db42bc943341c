/**
 * DSSE pre-authentication encoding (secure-systems-lab/dsse, protocol.md): what a DSSE signature
 * covers. Its own module so the runtime loader can use it without the signing code. Pure.
 */
import { concatBytes, utf8Encode } from "./bytes.js";

/**
 * `"DSSEv1" SP LEN(type) SP type SP LEN(body) SP body`, LEN = ASCII decimal byte length.
 *
 * Its arguments are checked where they come in: `signEnvelope` checks its own, and verification
 * reads both from an envelope whose shape it checked and a payload it decoded.
 *
 * @example utf8Decode(pae("http://example.com/HelloWorld", utf8Encode("hello world")))
 *   === "DSSEv1 29 http://example.com/HelloWorld 11 hello world"
 */
export function pae(payloadType: string, payload: Uint8Array): Uint8Array {
  return concatBytes(paeHeader(payloadType, payload.length), payload);
}

/** What {@link pae} puts before a body of `length` bytes: a verifier can decode the body just after it, in one buffer. */
export function paeHeader(payloadType: string, length: number): Uint8Array {
  const type = utf8Encode(payloadType);
  return concatBytes(utf8Encode(`DSSEv1 ${type.length} `), type, utf8Encode(` ${length} `));
}
