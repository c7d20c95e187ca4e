import { closeSync, createReadStream, existsSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeNormalized, META_KEY, normalizeRecord, terminalJson, terminalSafe, v1MetaKeys, validateRecord, type NormalizedRecord } from '@aitrace/format';
import { parseCommand } from '../args.js';
import { UsageError } from '../UsageError.js';

export const MIGRATE_HELP = `Usage: aitrace migrate [options] IN OUT

Rewrites v1 records (metadata at the top level) into the current format,
moving every metadata key under __tracer_meta__ and keeping every other field.
Records of older writers that lack what the current format requires (a span
end with no duration, as the seed tracer wrote them) are completed: the end
gets start_time and duration_ms from its span's start in the same file, or
start_unknown: true when the file holds no start. Valid current-format records
are copied unchanged. Lines that cannot be read are copied unchanged and
reported, so nothing is lost. IN is read twice (starts first), so it must be
a file, not a pipe.

Options:
  --force       overwrite OUT if it exists
  --json        print the report as JSON
  -h, --help    show this help

Exit codes: 0 migrated, 1 unreadable lines were found (copied as they were) or a file error, 2 usage error.`;

/** `aitrace migrate`. */
export async function migrateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    help: MIGRATE_HELP,
    positionals: 2,
    positionalsError: 'migrate needs IN and OUT',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const [input, output] = positionals as [string, string];
  if (!existsSync(input)) throw Object.assign(new Error(`${input}: no such file or directory`), { code: 'ENOENT', path: input });
  if (existsSync(output)) {
    if (realpathSync(output) === realpathSync(input)) throw new UsageError('OUT must be a different file than IN');
    if (values.force !== true) throw new UsageError(`${output} exists; pass --force to overwrite it`);
  }

  // First pass: when each span started, for the ends that carry no duration.
  const starts = new Map<string, number>();
  for await (const { text } of readLines(input)) {
    const record = parseRecord(text);
    if (record?.type === 'span_start' && record.spanId !== undefined) starts.set(spanKey(record), record.timeUs);
  }

  const v1Keys = v1MetaKeys();
  const moved = new Map<string, number>();
  const unreadable: { line: number; message: string }[] = [];
  let migrated = 0;
  let completed = 0;
  let startUnknown = 0;
  let unchanged = 0;
  const temp = `${resolve(output)}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {
    for await (const { line, text } of readLines(input)) {
      let out = text;
      try {
        const value: unknown = JSON.parse(text);
        const result = normalizeRecord(value);
        if (!result.ok) unreadable.push({ line, message: result.problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
        else if (result.record.formatVersion === 1 || lacksDuration(result.record) || validateRecord(value).length > 0) {
          const record = result.record;
          if (record.formatVersion === 1) {
            for (const key of Object.keys(value as object)) {
              const target = v1Keys[key];
              if (target !== undefined && key !== META_KEY)
                moved.set(`${key} -> ${META_KEY}.${target}`, (moved.get(`${key} -> ${META_KEY}.${target}`) ?? 0) + 1);
            }
          }
          if (lacksDuration(record)) {
            const startUs = record.spanId === undefined ? undefined : starts.get(spanKey(record));
            if (startUs !== undefined && startUs <= record.timeUs) {
              record.startTimeUs = startUs;
              record.durationMs = (record.timeUs - startUs) / 1000;
              completed++;
            } else {
              record.meta.start_unknown = true;
              startUnknown++;
            }
          }
          out = encodeNormalized(record);
          migrated++;
        } else unchanged++;
      } catch (error) {
        unreadable.push({ line, message: `invalid JSON: ${(error as Error).message}` });
      }
      writeSync(fd, `${out}\n`);
    }
    closeSync(fd);
    renameSync(temp, output);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }

  const report = { input, output, migrated, completed, startUnknown, unchanged, unreadable, moved: Object.fromEntries([...moved].sort()) };
  if (values.json) console.log(terminalJson(report, 2));
  else {
    console.log(
      `${terminalSafe(output)}: ${migrated} record(s) migrated, ${unchanged} current record(s) copied, ${unreadable.length} unreadable line(s) copied unchanged`,
    );
    if (completed + startUnknown > 0)
      console.log(`  span ends completed from their starts: ${completed}; ends with no start in the file (start_unknown): ${startUnknown}`);
    for (const [change, count] of [...moved].sort()) console.log(`  moved ${change}: ${count}`);
    for (const problem of unreadable) process.stderr.write(`${terminalSafe(input)}:${problem.line}: ${terminalSafe(problem.message)}\n`);
  }
  return unreadable.length > 0 ? 1 : 0;
}

/** A span end that says neither when its span started nor how long it took (the seed tracer wrote these). */
function lacksDuration(record: NormalizedRecord): boolean {
  return record.type === 'span_end' && record.durationMs === undefined && record.startTimeUs === undefined && record.meta.start_unknown !== true;
}

/** The key of a record's span. */
function spanKey(record: NormalizedRecord): string {
  return `${record.traceId ?? ''}/${record.spanId ?? ''}`;
}

/** A line's record, or undefined when it is not one (reported in the second pass). */
function parseRecord(text: string): NormalizedRecord | undefined {
  try {
    const result = normalizeRecord(JSON.parse(text));
    return result.ok ? result.record : undefined;
  } catch {
    return undefined;
  }
}

/** The non-blank lines of a file with their numbers, without a trailing CR. */
async function* readLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  let lineNumber = 0;
  let pending = '';
  const emit = function* (raw: string) {
    lineNumber++;
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (text.trim() !== '') yield { line: lineNumber, text };
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 64 * 1024 }) as AsyncIterable<string>) {
    const data = pending + chunk;
    let start = 0;
    for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
      yield* emit(data.slice(start, nl));
      start = nl + 1;
    }
    pending = data.slice(start);
  }
  if (pending !== '') yield* emit(pending);
}
