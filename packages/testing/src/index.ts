export { ManualClock } from './ManualClock.js';
export {
  endLine,
  eventLine,
  jsonl,
  logLine,
  normalized,
  spanIdOf,
  spanLines,
  startLine,
  T0_US,
  TRACE_ID,
  traceIdOf,
  type TestLog,
  type TestSpan,
} from './testRecords.js';
