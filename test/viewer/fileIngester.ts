import { readFileSync } from 'node:fs';
import type { RunningServer } from '@aitrace/server';
import { expect } from 'vitest';

/** Posts what the trace file gained since the last call to the server's JSONL ingest. */
export function fileIngester(file: string, server: () => RunningServer): () => Promise<void> {
  let sent = 0;
  return async () => {
    const text = readFileSync(file, 'utf8');
    const fresh = text.slice(sent);
    sent = text.length;
    if (fresh === '') return;
    const response = await fetch(new URL('/api/ingest', server().url), { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: fresh });
    expect(response.status, await response.clone().text()).toBe(200);
  };
}
