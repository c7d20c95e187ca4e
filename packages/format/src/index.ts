export { encodeRecord, encodeRecordFromMetaJson, jsonString, type EncodeOptions } from './encodeRecord.js';
export { encodeNormalized, toTracerMeta } from './encodeNormalized.js';
export { LEVEL_NAMES, levelFromSeverity, parseLevel, severityFromLevel } from './levels.js';
export { describe, normalizeRecord, v1MetaKeys, type NormalizeResult } from './normalizeRecord.js';
export {
  DEFAULT_VALUE_LIMITS,
  defineData,
  isPlainJson,
  reviveValue,
  stringifyValue,
  toJsonSafe,
  TYPE_TAG,
  type ValueLimits,
} from './safeJson.js';
export { copyOwn, readOwn, setOwn, shallowCopy, UNREADABLE } from './ownProperties.js';
export { Scrubber, type ScrubbedPaths, type ScrubOptions } from './scrub/Scrubber.js';
export {
  DEFAULT_SAFE_KEYS,
  keySegments,
  keySensitivity,
  redactionMarker,
  redactSecrets,
  safeKeyMatcher,
  SECRET_SHAPES,
  type KeySensitivity,
  type SecretShape,
} from './scrub/scrubRules.js';
export { terminalJson, terminalSafe } from './terminalSafe.js';
export { formatEpochMicros, formatEpochMillis, formatHrTime, parseTimestamp, TIMESTAMP_PATTERN } from './timestamp.js';
export type {
  DroppedCounts,
  LevelName,
  LinkMeta,
  NormalizedRecord,
  RecordProblem,
  RecordType,
  SpanKindName,
  StatusName,
  TracerMeta,
} from './types.js';
export { validateRecord } from './validateRecord.js';
export { FORMAT_VERSION, META_KEY } from './version.js';
