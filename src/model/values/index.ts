/** Value parsers and validators used at load time and by lint rules (regular expressions: ../../lint/regex). */
export type { ValueResult } from "./result.js";
export {
  DURATION_UNITS,
  SIZE_UNITS,
  formatDuration,
  formatMoney,
  formatSize,
  parseDuration,
  parseMoney,
  parseSize,
  type DurationUnit,
  type SizeUnit,
} from "./units.js";
export {
  KNOWN_POLICY_VERSIONS,
  parseIsoDate,
  parsePolicyVersion,
  parseTimeOfDay,
  validateTimezone,
} from "./time.js";
