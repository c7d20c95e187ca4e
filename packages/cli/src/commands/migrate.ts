import { closeSync, createReadStream, existsSync, openSync, realpathSync, renameSync, rmSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { encodeNormalized, META_KEY, normalizeRecord, terminalJson, terminalSafe, v1MetaKeys } from '@aitrace/format';
import { parseCommand } from '../args.js';
import { UsageError } from '../UsageError.js';

export const MIGRATE_HELP = `Usage: aitrace migrate [options] IN OUT

Rewrites v1 records (metadata at the top level) into the current format,
moving every metadata key under __tracer_meta__ and keeping every other field.
Current-format records are copied unchanged. Lines that cannot be read are
copied unchanged and reported, so nothing is lost.

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

  const v1Keys = v1MetaKeys();
  const moved = new Map<string, number>();
  const unreadable: { line: number; message: string }[] = [];
  let migrated = 0;
  let unchanged = 0;
  const temp = `${resolve(output)}.${process.pid}.tmp`;
  const fd = openSync(temp, 'w');
  try {

    let lineNumber = 1;
    const handle = (raw: string): void => {
      const line = lineNumber++;
      const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (text.trim() === '') return;
      let out = text;
      try {
        const value: unknown = JSON.parse(text);
        const result = normalizeRecord(value);
        if (!result.ok) unreadable.push({ line, message: result.problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
        else if (result.record.formatVersion === 1) {
          for (const key of Object.keys(value as object)) {
            const target = v1Keys[key];
            if (target !== undefined && key !== META_KEY) moved.set(`${key} -> ${META_KEY}.${target}`, (moved.get(`${key} -> ${META_KEY}.${target}`) ?? 0) + 1);
          }
          out = encodeNormalized(result.record);
          migrated++;
        } else unchanged++;
      } catch (error) {
        unreadable.push({ line, message: `invalid JSON: ${(error as Error).message}` });
      }
      writeSync(fd, `${out}\n`);
    };
    let pending = '';
    for await (const chunk of createReadStream(input, { encoding: 'utf8', highWaterMark: 64 * 1024 }) as AsyncIterable<string>) {
      const data = pending + chunk;
      let start = 0;
      for (let nl = data.indexOf('\n'); nl !== -1; nl = data.indexOf('\n', start)) {
        handle(data.slice(start, nl));
        start = nl + 1;
      }
      pending = data.slice(start);
    }
    if (pending !== '') handle(pending);

    closeSync(fd);
    renameSync(temp, output);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw error;
  }

  const report = { input, output, migrated, unchanged, unreadable, moved: Object.fromEntries([...moved].sort()) };
  if (values.json) console.log(terminalJson(report, 2));
  else {
    console.log(`${terminalSafe(output)}: ${migrated} v1 record(s) migrated, ${unchanged} current record(s) copied, ${unreadable.length} unreadable line(s) copied unchanged`);
    for (const [change, count] of [...moved].sort()) console.log(`  moved ${change}: ${count}`);
    for (const problem of unreadable) process.stderr.write(`${terminalSafe(input)}:${problem.line}: ${terminalSafe(problem.message)}\n`);
  }
  return unreadable.length > 0 ? 1 : 0;
}
