/**
 * The I/O shell (Node only): reading a policy repository from the working tree or from a git
 * revision, bundle files on disk, and the two primitives every file read and write goes through —
 * a size-capped reader and an atomic writer. The loader's file module imports the primitives
 * directly, never this file, which reaches git.
 */
export { writeFilesAtomic } from "./atomic-write.js";
export type { AtomicFile } from "./atomic-write.js";
export { readBounded, readBoundedSync } from "./bounded-read.js";
export type { BoundedRead, BoundedReadOptions } from "./bounded-read.js";
export { readBundleFile, writeOutputFiles } from "./bundle-files.js";
export type { OutputFile } from "./bundle-files.js";
export { listTree, listUncommittedPaths, openGit, readFilesAt, readHead, readRepositoryAtRevision, readTreeFiles, resolveCommit, resolveRevision } from "./git.js";
export type { GitFile, GitHead, GitPurpose, GitRepo, GitRevisionRepository, TreeEntry } from "./git.js";
export { resolvesInside } from "./inside-root.js";
export { listRepositoryPaths, readRepository, readWorkingTreeFiles, toRepoPath } from "./read-repository.js";
export type { ReadWorkingTreeOptions } from "./read-repository.js";
