/** The lint output formats: each a pure function from findings to text. */
import type { ReportInput } from "../finding.js";
import { formatGithub } from "./github.js";
import { formatJson } from "./json.js";
import { formatMarkdown } from "./markdown.js";
import type { MarkdownOptions } from "./markdown.js";
import { formatSarif } from "./sarif.js";
import type { SarifOptions } from "./sarif.js";
import { formatText, shouldUseColor } from "./text.js";
import type { TextOptions } from "./text.js";

export const REPORT_FORMATS = ["text", "json", "sarif", "github", "markdown"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** Every format's options in one bag, so a command can pass the same object whatever `--format` is. */
export interface ReportOptions extends Partial<TextOptions>, Partial<SarifOptions>, MarkdownOptions {}

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}

/**
 * Formats `input` as `format`. `color` defaults to false; the sarif format needs `toolVersion`
 * and throws a TypeError without it.
 *
 * @example
 * formatReport("sarif", input, { rules: RULES.map((r) => r.meta), toolVersion: VERSION });
 */
export function formatReport(format: ReportFormat, input: ReportInput, options: ReportOptions = {}): string {
  switch (format) {
    case "text":
      return formatText(input, { color: options.color ?? false, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) });
    case "json":
      return formatJson(input);
    case "sarif": {
      const { toolVersion } = options;
      if (toolVersion === undefined) throw new TypeError("the sarif format needs options.toolVersion");
      return formatSarif(input, { ...options, toolVersion });
    }
    case "github":
      return formatGithub(input);
    case "markdown":
      return formatMarkdown(input, options);
    default: {
      const never: never = format;
      throw new TypeError(`unknown report format ${JSON.stringify(never)}`);
    }
  }
}

export { formatText, formatJson, formatSarif, formatGithub, formatMarkdown, shouldUseColor };
export type { TextOptions, SarifOptions, MarkdownOptions };
export type { RuleDoc } from "./common.js";
