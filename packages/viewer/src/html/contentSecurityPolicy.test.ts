import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { sha256Source, traceHtmlCsp } from './contentSecurityPolicy.js';

describe('the HTML trace Content-Security-Policy', () => {
  it('hashes the UTF-8 bytes of the inline text', () => {
    expect(sha256Source('alert(1)')).toBe(`'sha256-${createHash('sha256').update('alert(1)').digest('base64')}'`);
    expect(sha256Source('é')).toBe(
      `'sha256-${createHash('sha256')
        .update(Buffer.from([0xc3, 0xa9]))
        .digest('base64')}'`,
    );
  });

  it('allows only the given script and style, and no network', () => {
    const csp = traceHtmlCsp('run()', 'body{}');
    expect(csp).toContain(`script-src ${sha256Source('run()')};`);
    expect(csp).toContain(`style-src ${sha256Source('body{}')};`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|'self'|https?:/);
  });
});
