/** edict's own version (kept equal to package.json's by a test). */
export const EDICT_VERSION = "0.1.0";
