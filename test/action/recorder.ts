/** An ActionIO that records everything a mode says: log lines, annotations, outputs, secrets and the summary. */
import type { ActionIO, AnnotationLevel, AnnotationProps } from "../../src/action/output.js";

export interface Recorder extends ActionIO {
  lines: string[];
  annotations: Array<{ level: AnnotationLevel; message: string; props: AnnotationProps }>;
  outputs: Record<string, string>;
  secrets: string[];
  summary: string;
}

export function recorder(): Recorder {
  const r: Recorder = {
    lines: [],
    annotations: [],
    outputs: {},
    secrets: [],
    summary: "",
    info: (m) => void r.lines.push(m),
    annotate: (level, message, props = {}) => void r.annotations.push({ level, message, props }),
    setOutput: (name, value) => void (r.outputs[name] = value),
    setSecret: (v) => void r.secrets.push(v),
    writeSummary: async (md) => void (r.summary += md),
  };
  return r;
}
