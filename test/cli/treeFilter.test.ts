import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeRecord, type TracerMeta } from '@aitrace/format';
import { runCli } from './runCli.js';

const at = (ms: number): string => new Date(Date.UTC(2026, 0, 1) + ms).toISOString().replace('Z', '000Z');

function span(
  trace: string,
  spanId: string,
  name: string,
  parent: string | undefined,
  startMs: number,
  meta: Partial<TracerMeta>,
  attrs: Record<string, unknown>,
): string[] {
  const base: Partial<TracerMeta> = { trace_id: trace, span_id: spanId, name, ...(parent === undefined ? {} : { parent_span_id: parent }) };
  return [
    encodeRecord({ ...base, timestamp: at(startMs), event: `${name}.start`, type: 'span_start', provisional: true }, {}),
    encodeRecord(
      { ...base, status: 'ok', ...meta, timestamp: at(startMs + 10), event: `${name}.end`, type: 'span_end', start_time: at(startMs), duration_ms: 10 },
      attrs,
    ),
  ];
}

// Three traces: a checkout that failed, a chat with a model and a conversation, and a quiet health check.
function traceFile(): string {
  const lines = [
    ...span(
      '11111111111111111111111111111111',
      '1111111111111111',
      'POST /checkout',
      undefined,
      0,
      { status: 'error', service: 'shop' },
      { 'user.name': 'Ada Lovelace' },
    ),
    ...span('22222222222222222222222222222222', '2222222222222222', 'invoke_agent', undefined, 100, { service: 'agent' }, {}),
    ...span(
      '22222222222222222222222222222222',
      '2222222222222223',
      'chat',
      '2222222222222222',
      101,
      { service: 'agent' },
      { 'gen_ai.request.model': 'gpt-4o mini', 'gen_ai.conversation.id': 'conv-9' },
    ),
    ...span('33333333333333333333333333333333', '3333333333333333', 'GET /health', undefined, 200, { service: 'shop' }, {}),
  ];
  const file = join(mkdtempSync(join(tmpdir(), 'aitrace-tree-filter-')), 'trace.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

describe('aitrace tree --filter', () => {
  const file = traceFile();
  const roots = (text: string): string[] => {
    const { code, stdout, stderr } = runCli(['tree', file, '--filter', text, '--json']);
    expect(code, stderr).toBe(0);
    return (JSON.parse(stdout) as { traces: { roots: { name: string }[] }[] }).traces.map((trace) => trace.roots[0]!.name);
  };

  it('selects whole traces as the viewer does: fields, quoted values, attributes and text', () => {
    expect(roots('status:error')).toEqual(['POST /checkout']);
    expect(roots('service:shop')).toEqual(['POST /checkout', 'GET /health']);
    expect(roots('model:"gpt-4o mini"')).toEqual(['invoke_agent']);
    expect(roots('conversation:conv-9 status:ok')).toEqual(['invoke_agent']);
    expect(roots('user.name="Ada Lovelace"')).toEqual(['POST /checkout']);
    expect(roots('HEALTH')).toEqual(['GET /health']);
    expect(roots('name:chat')).toEqual(['invoke_agent']);
    const none = runCli(['tree', file, '--filter', 'model:llama3']);
    expect(none.stderr).toContain('no spans match');
  });

  it('reports a bad filter term with its column as a usage error', () => {
    const bad = runCli(['tree', file, '--filter', 'shop stauts:error']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'aitrace: --filter: column 6: "stauts:error": unknown field "stauts"; fields are status, service, version, env, name, model, conversation (quote the term to search for it as text)\n',
    );
  });
});
