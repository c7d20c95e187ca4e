import { describe, expect, it } from 'vitest';
import { spanStatusView } from './spanStates.js';

describe('spanStatusView', () => {
  it('shows an ended span with status unset (or none) as unset, not ok', () => {
    expect(spanStatusView({ state: 'ok', status: 'unset' })).toEqual({ icon: '○', label: 'unset', kind: 'unset' });
    expect(spanStatusView({ state: 'ok', status: undefined })).toMatchObject({ kind: 'unset' });
    expect(spanStatusView({ state: 'ok', status: 'ok' })).toEqual({ icon: '✓', label: 'ok', kind: 'ok' });
  });

  it('keeps the other states as they are', () => {
    expect(spanStatusView({ state: 'error', status: 'error' })).toEqual({ icon: '✗', label: 'error', kind: 'error' });
    expect(spanStatusView({ state: 'running', status: undefined })).toEqual({ icon: '▶', label: 'running', kind: 'running' });
    expect(spanStatusView({ state: 'cut_off', status: undefined })).toEqual({ icon: '✂', label: 'cut off', kind: 'cut_off' });
  });
});
