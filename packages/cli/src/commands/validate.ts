import { terminalJson, terminalSafe, validateRecord } from '@aitrace/format';
import { readTraceFile } from '@aitrace/forest/node';
import { parseCommand } from '../args.js';
import { createProgress } from '../progress.js';

export const VALIDATE_HELP = `Usage: aitrace validate [options] FILE|-

Checks every line against TRACE_RECORD.md and prints each problem as
FILE:LINE: field: message.

Options:
  --json        print {"file", "lines", "records", "problems": [{"line", "field", "message"}]}
  -h, --help    show this help

Exit codes: 0 valid, 1 problems found or the file cannot be read, 2 usage error.`;

interface Problem {
  line: number;
  field?: string;
  message: string;
}

/** `aitrace validate`. */
export async function validateCommand(argv: string[]): Promise<number> {
  const args = parseCommand(argv, {
    options: {
      json: { type: 'boolean' },
    },
    help: VALIDATE_HELP,
    positionals: 1,
    positionalsError: 'validate needs exactly one FILE (or - for stdin)',
  });
  if (args === undefined) return 0;
  const { values, positionals } = args;
  const file = positionals[0]!;
  const problems: Problem[] = [];
  let records = 0;
  let lines = 0;
  const validatorLines = new Set<number>();
  const onValue = (value: unknown, line: number): void => {
    for (const problem of validateRecord(value)) {
      problems.push({ line, field: problem.field, message: problem.message });
      validatorLines.add(line);
    }
  };
  const progress = createProgress(file, 'validating');
  for await (const batch of readTraceFile(file, { onValue, onProgress: (bytes) => progress.update(bytes) })) {
    records += batch.records.length;
    for (const problem of batch.problems) {
      // Records that fail to normalize were already reported field by field by the validator.
      if (!validatorLines.has(problem.line)) problems.push({ line: problem.line, message: problem.message });
      lines = Math.max(lines, problem.line);
    }
    for (const { line } of batch.records) lines = Math.max(lines, line);
  }
  progress.done();
  problems.sort((a, b) => a.line - b.line);
  if (values.json) {
    console.log(terminalJson({ file, lines, records, problems }, 2));
  } else {
    const name = terminalSafe(file);
    for (const p of problems)
      process.stdout.write(`${name}:${p.line}: ${p.field !== undefined ? `${terminalSafe(p.field)}: ` : ''}${terminalSafe(p.message)}\n`);
    process.stderr.write(`${name}: ${records} record(s), ${problems.length} problem(s)\n`);
  }
  return problems.length > 0 ? 1 : 0;
}
