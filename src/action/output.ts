/**
 * The Action's view of the runner's log, annotations, outputs and job summary. main.ts backs it
 * with `@actions/core`; tests pass a recorder, so every mode runs in-process.
 */

export type AnnotationLevel = "error" | "warning" | "notice";

/** Where an annotation points (the runner's `AnnotationProperties`); paths from the workspace root. */
export interface AnnotationProps {
  title?: string;
  file?: string;
  startLine?: number;
  endLine?: number;
  startColumn?: number;
  endColumn?: number;
}

export interface ActionIO {
  /** A plain log line. */
  info(message: string): void;
  /** An annotation (`::error …::`, `::warning …::`, `::notice …::`). */
  annotate(level: AnnotationLevel, message: string, props?: AnnotationProps): void;
  setOutput(name: string, value: string): void;
  /** Masks the value in every later log line (`::add-mask::`). */
  setSecret(value: string): void;
  /** Appends markdown to the job summary. */
  writeSummary(markdown: string): Promise<void>;
}

/** The outputs of action.yml. */
export const OUTPUT_NAMES = ["errors", "warnings", "loosened", "bundle-path", "bundle-sha256", "version", "release-url", "pull-request-url", "report-path"] as const;
export type OutputName = (typeof OUTPUT_NAMES)[number];
export type ActionOutputs = Partial<Record<OutputName, string>>;

/**
 * Registers a private key's text as secret: the whole value and each line of it, because the
 * runner masks line by line and a PEM key spans several lines.
 */
export function maskSecret(io: ActionIO, value: string): void {
  const trimmed = value.trim();
  if (trimmed === "") return;
  io.setSecret(trimmed);
  for (const line of trimmed.split(/\r?\n/)) {
    const l = line.trim();
    // the PEM armour lines are public text; masking them would only hide harmless words
    if (l.length >= 8 && !/^-----(BEGIN|END) /.test(l)) io.setSecret(l);
  }
}
