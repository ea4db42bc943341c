/** The signing key from the `signing-key` input: required by publish and refresh, never printed. */
import { BundleKeyError } from "../bundle/errors.js";
import { parsePrivateKey } from "../bundle/keys.js";
import type { PrivateKey } from "../bundle/keys.js";
import { EdictError } from "../errors.js";
import type { ActionInputs } from "./inputs.js";

/**
 * Parses the key, or fails with what to do. Runs before any GitHub API call, so a missing
 * secret (a fork, a renamed secret) stops the job before anything is created.
 */
export function requireSigningKey(inputs: Pick<ActionInputs, "signingKey">, mode: string): PrivateKey {
  if (inputs.signingKey.trim() === "") {
    throw new EdictError(
      "USAGE",
      `${mode} needs a signing key, and the signing-key input is empty: create a key pair with \`edict keygen\`, store the .key file's content ` +
        "as a repository secret (e.g. EDICT_SIGNING_KEY), and pass it with `signing-key: ${{ secrets.EDICT_SIGNING_KEY }}`",
    );
  }
  try {
    return parsePrivateKey(inputs.signingKey.trim(), { source: "input signing-key" });
  } catch (e) {
    // the message names the source and what was expected, never the key's text
    if (e instanceof BundleKeyError) throw new EdictError("USAGE", e.message, { cause: e });
    throw e;
  }
}
