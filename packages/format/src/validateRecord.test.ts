import { describe, expect, it } from 'vitest';
import { validateRecord } from './validateRecord.js';

const good = {
  __tracer_meta__: {
    format_version: 2,
    timestamp: '2025-10-26T12:34:15.193415Z',
    event: 'load.start',
    type: 'span_start',
    trace_id: 'be97f2fa26196196d1c776cef223b871',
    span_id: 'c33604c286773277',
    name: 'load',
    provisional: true,
  },
};

function fields(meta: Record<string, unknown>, top: Record<string, unknown> = {}): string[] {
  return validateRecord({ ...top, __tracer_meta__: { ...good.__tracer_meta__, ...meta } }).map((p) => p.field);
}

describe('validateRecord', () => {
  it('accepts a valid record', () => {
    expect(validateRecord(good)).toEqual([]);
  });

  it('names the field of every violation', () => {
    expect(fields({ timestamp: '2025-10-26T12:34:15Z' })).toEqual(['__tracer_meta__.timestamp']);
    expect(fields({ event: '' })).toContain('__tracer_meta__.event');
    expect(fields({ trace_id: 'BE97F2FA26196196D1C776CEF223B871' })).toEqual(['__tracer_meta__.trace_id']);
    expect(fields({ span_id: '0000000000000000' })).toEqual(['__tracer_meta__.span_id']);
    expect(fields({ parent_span_id: 'xyz' })).toEqual(['__tracer_meta__.parent_span_id']);
    expect(fields({ kind: 'sideways', status: 'meh', level: 'loud' })).toEqual(['__tracer_meta__.kind', '__tracer_meta__.status', '__tracer_meta__.level']);
    expect(fields({ severity_number: 30, line: 0, column: 1.5 })).toEqual([
      '__tracer_meta__.severity_number',
      '__tracer_meta__.line',
      '__tracer_meta__.column',
    ]);
    expect(fields({ provisional: false })).toEqual(['__tracer_meta__.provisional']);
    expect(fields({ resource: ['service.version', '1.0'] })).toEqual(['__tracer_meta__.resource']);
    expect(fields({ resource: { 'service.version': '1.0', 'host.cpu': { cores: 4 } } })).toEqual([]);
    expect(fields({ event: 'other.start' })).toEqual(['__tracer_meta__.event']);
    expect(fields({ type: 'span_end', event: 'load.end', provisional: undefined })).toEqual(['__tracer_meta__.duration_ms']);
    expect(fields({ type: 'log', event: 'x', provisional: true })).toEqual(['__tracer_meta__.provisional']);
    expect(fields({ links: [{ trace_id: 'nope' }], dropped: { attributes: -1, spans: 1 } })).toEqual([
      '__tracer_meta__.links[0].trace_id',
      '__tracer_meta__.links[0].span_id',
      '__tracer_meta__.dropped.attributes',
      '__tracer_meta__.dropped.spans',
    ]);
    expect(fields({ renamed: { _missing: 'timestamp' } })).toEqual(['__tracer_meta__.renamed._missing']);
    expect(fields({ scrubbed: 'password' })).toEqual(['__tracer_meta__.scrubbed']);
    expect(fields({ scrubbed: { password: '', token: 1 } })).toEqual(['__tracer_meta__.scrubbed.password', '__tracer_meta__.scrubbed.token']);
    expect(fields({ scrubbed: { 'messages[0].content': 'secret value: jwt' } })).toEqual([]);
    expect(fields({ compat: true }, { timestamp: '2025-10-26T12:34:15.000000Z' })).toEqual(['timestamp']);
    expect(fields({ format_version: 9 })).toEqual(['__tracer_meta__.format_version']);
  });

  it('explains a v1 record and rejects non-objects', () => {
    expect(validateRecord({ timestamp: 'x', event: 'y' })[0]?.message).toContain('aitrace migrate');
    expect(validateRecord(null)[0]).toMatchObject({ field: '$' });
  });
});
