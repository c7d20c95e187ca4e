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
export type {
  OtlpAnyValue,
  OtlpExportRequest,
  OtlpKeyValue,
  OtlpLink,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpResource,
  OtlpScope,
  OtlpSpan,
  OtlpSpanEvent,
  OtlpTraceRequest,
} from './otlp/otlpJsonTypes.js';
export { OtlpRequestBuilder, type OtlpBatchLimits, type OtlpSkipped } from './otlp/OtlpRequestBuilder.js';
export { CUT_OFF_ATTRIBUTE, otlpAnyValue, otlpKeyValues, otlpResource, otlpScope, recordLogToOtlp, recordSpanToOtlp, type RecordSpan } from './otlp/recordsToOtlp.js';
