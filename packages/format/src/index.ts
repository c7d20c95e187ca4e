// The public API: what the other packages (and users of the format) need. Helpers used only inside the package
// (encoding fast paths, scrubbing and OTLP internals) are imported by path there and not exported.
export { encodeFlatMembers, encodeRecord, jsonString, recordFromMembers, type EncodeOptions } from './encodeRecord.js';
export { encodeNormalized } from './encodeNormalized.js';
export { LEVEL_NAMES, RECORD_TYPES, SPAN_KIND_NAMES, SPAN_STATES, STATUS_CODE_NAMES, type SpanState } from './enumerations.js';
export { parseLevel, severityFromLevel } from './levels.js';
export { formatDuration } from './formatDuration.js';
export { rotatedPath } from './rotatedPath.js';
export { describe, normalizeRecord, v1MetaKeys, type NormalizeResult } from './normalizeRecord.js';
export { DEFAULT_VALUE_LIMITS, reviveValue, stringifyValue, type ValueLimits } from './safeJson.js';
export { readOwn, setOwn, UNREADABLE } from './ownProperties.js';
export { Scrubber, type ScrubbedPaths, type ScrubOptions } from './scrub/Scrubber.js';
export { DEFAULT_SAFE_KEYS, SECRET_SHAPES, type SecretShape } from './scrub/scrubRules.js';
export { terminalJson, terminalSafe } from './terminalSafe.js';
export { formatEpochMicros, formatEpochMillis, formatHrTime, parseTimestamp, TIMESTAMP_PATTERN } from './timestamp.js';
export type { DroppedCounts, LevelName, LinkMeta, NormalizedRecord, RecordProblem, RecordType, SpanKindName, StatusName, TracerMeta } from './types.js';
export { validateRecord } from './validateRecord.js';
export { FORMAT_VERSION, META_KEY } from './version.js';
export type { AttributesInput, HrTimeInput, LinkInput, LogInput, ResourceInput, ScopeInput, SpanEventInput, SpanInput } from './otel/TelemetryInput.js';
export { codeLocation, durationMs, resourceMeta, spanKindName, statusName, type CodeLocation, type ResourceMeta } from './otel/otelRules.js';
export { spanEndMeta, spanEventMeta, spanStartMeta } from './otel/spanRecordMeta.js';
export { FIELDS_IN_BODY, logRecordParts, type LogRecordParts } from './otel/logRecordParts.js';
export { OtlpFormatError, type OtlpConversion } from './otlp/OtlpConversion.js';
export { anyValue } from './otlp/otlpValue.js';
export { otlpLogsRequestToRecords } from './otlp/otlpLogsRequestToRecords.js';
export { otlpTraceRequestToRecords, type OtlpTraceConversionOptions } from './otlp/otlpTraceRequestToRecords.js';
export { environmentOf, serviceVersionOf } from './resourceFields.js';
export { otlpJsonLineToRecords, type OtlpLineConversion } from './otlp/otlpJsonLineToRecords.js';
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
export { CUT_OFF_ATTRIBUTE } from './otlp/recordsToOtlp.js';
