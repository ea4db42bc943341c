/** Shapes of host overlays: local policy documents applied on top of a bundle's target. */
import type { SourceFile } from "../../model/source.js";
import type { PolicyDocument } from "../../model/types.js";

/** One overlay file, read and validated. */
export interface OverlayFile {
  /** The path as given (what positions name). */
  path: string;
  bytes: Uint8Array;
  source: SourceFile;
  document: PolicyDocument;
}

/** The overlay files in the order given, and their digest. */
export interface OverlayDocs {
  files: OverlayFile[];
  /** Lowercase hex SHA-256 over the files (see `overlayDigest`). */
  digest: string;
}
