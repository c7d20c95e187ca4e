import { LEVEL_NAMES, type LevelName } from './enumerations.js';

const SEVERITY_BY_LEVEL: Readonly<Record<LevelName, number>> = {
  trace: 1,
  debug: 5,
  info: 9,
  warn: 13,
  error: 17,
  fatal: 21,
};

/** The OpenTelemetry severity number for a level (the lowest number of its range). */
export function severityFromLevel(level: LevelName): number {
  return SEVERITY_BY_LEVEL[level];
}

/** The level for an OpenTelemetry severity number (1-24); undefined when it is out of range. */
export function levelFromSeverity(severityNumber: number): LevelName | undefined {
  if (!Number.isInteger(severityNumber) || severityNumber < 1 || severityNumber > 24) return undefined;
  return LEVEL_NAMES[Math.floor((severityNumber - 1) / 4)];
}

/** Reads a level name as writers spell it (`WARN`, `warning`, `Err`...); undefined when unknown. */
export function parseLevel(text: string): LevelName | undefined {
  const lower = text.toLowerCase();
  if (lower in SEVERITY_BY_LEVEL) return lower as LevelName;
  if (lower === 'warning') return 'warn';
  if (lower === 'err') return 'error';
  if (lower === 'critical' || lower === 'crit' || lower === 'panic') return 'fatal';
  if (lower === 'verbose') return 'debug';
  return undefined;
}
