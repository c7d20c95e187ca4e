import { describe, expect, it } from 'vitest';
import { formatSourceLocation } from './sourceLocation.js';

describe('formatSourceLocation', () => {
  it('shows whatever part of file:line:column and function is known', () => {
    expect(formatSourceLocation({ file: 'src/agent.ts', line: 42, column: 7, function: 'plan' })).toBe('src/agent.ts:42:7 in plan');
    expect(formatSourceLocation({ file: 'src/agent.ts', line: 42 })).toBe('src/agent.ts:42');
    expect(formatSourceLocation({ file: 'src/agent.ts' })).toBe('src/agent.ts');
    expect(formatSourceLocation({ function: 'plan' })).toBe('in plan');
    expect(formatSourceLocation({})).toBeUndefined();
  });
});
