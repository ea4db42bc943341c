/**
 * edict/loader: the runtime loader (SPEC §8). It verifies a signed bundle and answers decisions.
 * It imports only policy evaluation and bundle verification, never lint, packs, YAML or git.
 */
export {};
