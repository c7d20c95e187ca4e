import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteTraceStore, type SpanStats, type TracePage } from '@aitrace/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { logLine, spanLines, traceIdOf, spanIdOf } from '@aitrace/testing';
import { jsonl, readJson, startTestServer, type TestServer } from '../server/harness.js';

/** Strings that break string-built SQL, or that LIKE or a JSON text search would read as something else. */
const HOSTILE = [
  "' OR 1=1 --",
  '"; DROP TABLE spans; --',
  "Robert'); DROP TABLE traces;--",
  '1; DELETE FROM records',
  "' UNION SELECT trace_id, 1, 1 FROM traces --",
  '*/ SELECT * FROM spans /*',
  '%',
  '_',
  '\\',
  '\\%',
  'x%y',
  'x_y',
  '%_\\',
  "'",
  '"',
  '":"',
  'a\u0000b',
  '\u0001',
  '$1',
  '?',
  ':name',
  '@p',
  "json_extract(attrs,'$')",
  'MiXeD CaSe',
];
const PLAIN = 'plain value';

const serverPackage = fileURLToPath(new URL('../../packages/server/package.json', import.meta.url));
const serverSource = fileURLToPath(new URL('../../packages/server/src/', import.meta.url));

/** Every SQL text the server's SQLite driver is asked to run, captured at the driver. */
const executedSql: string[] = [];
{
  type Method = (this: unknown, sql: string, ...rest: unknown[]) => unknown;
  const Database = createRequire(serverPackage)('better-sqlite3') as { prototype: Record<'prepare' | 'exec' | 'pragma', Method> };
  for (const name of ['prepare', 'exec', 'pragma'] as const) {
    const original = Database.prototype[name];
    Database.prototype[name] = function (this: unknown, sql: string, ...rest: unknown[]) {
      executedSql.push(sql);
      return original.call(this, sql, ...rest);
    };
  }
}

/** One seeded trace: its id and the texts it holds where the filters look. */
interface Seeded {
  traceId: string;
  service: string;
  name: string;
  event: string;
  attrs: Array<[string, string]>;
}

const seeded: Seeded[] = [...HOSTILE, PLAIN].map((value, i) => ({
  traceId: traceIdOf(0x1000 + i),
  service: value,
  name: value,
  event: value,
  attrs: [
    ['k', value],
    [value, 'v'],
    ['note', `before ${value} after`],
  ],
}));

function lowerAscii(text: string): string {
  return text.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/** What the README promises `q` finds: the text in a trace id, span name, event name or attribute (ASCII case-insensitive). */
function expectedForText(q: string): string[] {
  const needle = lowerAscii(q);
  const has = (text: string): boolean => lowerAscii(text).includes(needle);
  return seeded.filter((t) => has(t.traceId) || has(t.name) || has(t.event) || t.attrs.some(([key, value]) => has(key) || has(value))).map((t) => t.traceId);
}

describe('SQL injection through every filter of the query API', () => {
  let server: TestServer;
  let rows: number;
  beforeAll(async () => {
    server = await startTestServer();
    const lines = seeded.flatMap((t, i) => [
      ...spanLines({
        trace: t.traceId,
        span: spanIdOf(i + 1),
        name: t.name,
        startMs: i * 10,
        endMs: i * 10 + 5,
        service: t.service,
        attrs: Object.fromEntries(t.attrs.slice(0, 2)),
      }),
      logLine(t.event, i * 10 + 1, { trace: t.traceId, service: t.service, attrs: Object.fromEntries(t.attrs.slice(2)) }),
    ]);
    const response = await server.request('/api/ingest', { method: 'POST', headers: { 'Content-Type': 'application/x-ndjson' }, body: jsonl(lines) });
    expect(response.status).toBe(200);
    rows = await server.store.countRows();
    expect(rows).toBe(seeded.length * 2);
  });
  afterAll(async () => {
    await server.stop();
  });

  async function traceIds(query: string): Promise<string[]> {
    const response = await server.request(`/api/traces?${query}&limit=1000`);
    expect(response.status, query).toBe(200);
    return (await readJson<TracePage>(response)).traces.map((t) => t.traceId).sort();
  }

  it('matches service, span name and attributes exactly, treating every hostile string as a plain value', async () => {
    for (const [i, value] of [...HOSTILE, PLAIN].entries()) {
      const own = [seeded[i]!.traceId];
      const v = encodeURIComponent(value);
      expect(await traceIds(`service=${v}`), `service ${JSON.stringify(value)}`).toEqual(own);
      expect(await traceIds(`name=${v}`), `name ${JSON.stringify(value)}`).toEqual(own);
      expect(await traceIds(`attr=${encodeURIComponent(`k=${value}`)}`), `attr k=${JSON.stringify(value)}`).toEqual(own);
      // A key with "=" in it cannot be asked for (the first "=" ends the key), so it matches nothing.
      expect(await traceIds(`attr=${encodeURIComponent(`${value}=v`)}`), `attr ${JSON.stringify(value)}=v`).toEqual(value.includes('=') ? [] : own);
      expect(await traceIds(`service=${v}&name=${v}&attr=${encodeURIComponent(`k=${value}`)}`)).toEqual(own);
      const stats = await readJson<{ spans: SpanStats[] }>(await server.request(`/api/stats?service=${v}`));
      expect(
        stats.spans.map((s) => s.name),
        `stats ${JSON.stringify(value)}`,
      ).toEqual([value]);
    }
  });

  it('finds exactly the traces holding the text for q: quotes, backslashes, %, _ and NUL are searched literally', async () => {
    for (const value of [...HOSTILE, PLAIN, 'ROBERT', '":', '\\\\', 'k', 'before %', '%_']) {
      expect(await traceIds(`q=${encodeURIComponent(value)}`), `q=${JSON.stringify(value)}`).toEqual(expectedForText(value).sort());
    }
  });

  it('refuses injection in typed parameters with 400 naming the parameter, and never answers 500', async () => {
    for (const value of HOSTILE) {
      const v = encodeURIComponent(value);
      for (const parameter of ['status', 'from', 'to', 'limit', 'cursor']) {
        const response = await server.request(`/api/traces?${parameter}=${v}`);
        expect(response.status, `${parameter}=${JSON.stringify(value)}`).toBe(400);
        expect((await readJson(response)).error).toContain(parameter);
      }
      expect((await server.request(`/api/stats?from=${v}`)).status).toBe(400);
      const byId = await server.request(`/api/traces/${v}`);
      expect(byId.status, `trace ${JSON.stringify(value)}`).toBe(404);
    }
    // A well-formed cursor carrying an injection string is only a position in the list.
    const cursor = Buffer.from(JSON.stringify([Number.MAX_SAFE_INTEGER, "' OR 1=1 --"])).toString('base64url');
    expect(await traceIds(`cursor=${cursor}`)).toEqual(seeded.map((t) => t.traceId).sort());
  });

  it('keeps the tables intact, on disk too, and never puts a value into SQL text', async () => {
    expect(await server.store.countRows()).toBe(rows);
    expect(await traceIds('')).toEqual(seeded.map((t) => t.traceId).sort());
    expect(executedSql.length).toBeGreaterThan(0);
    for (const value of HOSTILE.filter((v) => v.length >= 5)) {
      expect(
        executedSql.filter((sql) => sql.includes(value)),
        JSON.stringify(value),
      ).toEqual([]);
    }
    await server.close();
    const reopened = new SqliteTraceStore({ path: server.dbPath });
    try {
      expect(await reopened.countRows()).toBe(rows);
      expect((await reopened.listTraces({ limit: 1000 })).traces).toHaveLength(seeded.length);
    } finally {
      await reopened.close();
    }
  });
});

/** Every `${...}` in the template literals of a TypeScript source, with the template's own text. */
function templateLiterals(source: string): Array<{ text: string; expressions: string[] }> {
  const found: Array<{ text: string; expressions: string[] }> = [];
  let at = 0;
  const skipQuoted = (quote: string): void => {
    for (at++; at < source.length && source[at] !== quote; at++) if (source[at] === '\\') at++;
    at++;
  };
  const readTemplate = (): void => {
    const template = { text: '', expressions: [] as string[] };
    for (at++; at < source.length && source[at] !== '`';) {
      if (source[at] === '\\') {
        template.text += source.slice(at, at + 2);
        at += 2;
      } else if (source.startsWith('${', at)) {
        const start = (at += 2);
        readCode('}');
        template.expressions.push(source.slice(start, at).trim());
        at++;
      } else template.text += source[at++];
    }
    at++;
    found.push(template);
  };
  const readCode = (end?: string): void => {
    for (let depth = 0; at < source.length;) {
      const c = source[at]!;
      if (c === end && depth === 0) return;
      if (c === '`') readTemplate();
      else if (c === "'" || c === '"') skipQuoted(c);
      else if (source.startsWith('//', at)) at = source.indexOf('\n', at);
      else if (source.startsWith('/*', at)) at = source.indexOf('*/', at) + 2;
      else {
        if (c === '{') depth++;
        if (c === '}') depth--;
        at++;
      }
    }
  };
  readCode();
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'testing' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/**
 * Every expression the server interpolates into SQL text, reviewed: each is a constant or a fragment built from
 * constants, never a value from a request or a record. A new one fails this test until it is reviewed and added.
 */
const REVIEWED_SQL_INTERPOLATIONS = new Set([
  'SCHEMA_VERSION', // a number constant
  'filter.where', // traceFilterSql: constant clauses, values bound as parameters
  "clauses.join(' AND ')", // constant clauses, values bound as parameters
  'where', // the same
  'condition', // applyRetention's own constant conditions
  'selected', // a SELECT built from such a condition
  'column', // CONTAINS: column names from traceFilterSql's own calls
  'table', // ATTRS_CONTAIN: the table aliases s and r; sqliteTraceFacets: temp.aitrace_facet_traces_<n>
  'ATTR_TEXT',
  'CONTAINS(ATTR_TEXT)',
  "CONTAINS('j.key')",
  'CONTAINS(`${table}.attrs`)',
  "CONTAINS('t.trace_id')",
  "CONTAINS('s.name')",
  'CONTAINS("json_extract(s.record, \'$.statusMessage\')")',
  "ATTRS_CONTAIN('s')",
  "CONTAINS('r.event')",
  "ATTRS_CONTAIN('r')",
  // The sorted list (traceSortSql): a key from its own table of column expressions, ORDER BY from it and ASC/DESC.
  'order.key',
  'order.orderBy',
  'direction', // 'ASC' or 'DESC', chosen in code
  // Placeholders: `$n` numbers from the count of values bound so far, never a value.
  'params.length + 1',
  'filter.params.length + 1',
  'p', // bind(value) in pgTraceFilter: the placeholder of a bound value
  'bind(query.name)',
  'matches', // attrMatches: conditions over placeholders
  'statusFilter.where', // pgTraceFilter's WHERE: constant clauses, values bound
  'RETENTION_CHUNK', // a number constant
  'RETENTION_CHUNK * 10',
  // Facets: countFacet gets its FROM and value expressions from constant tables (PG_FACET_VALUES, FACET_VALUES)
  // and the columns 'service' | 'level'.
  'from',
  'value',
  'FACET_VALUES[facet]',
  'FACET_VALUES[facet](scope.from)',
  // sqliteTraceFacets: 'traces t', or it joined with the temporary table of matching ids (`table`, named from a counter).
  'scope.from',
  // pgTraceFilter: a row of the alias s, r or x belongs to the trace t (a constant comparison).
  "OF_TRACE('s')",
  "OF_TRACE('r')",
  "OF_TRACE('x')",
  // Attribute text and search fragments, over table aliases and placeholders chosen in code.
  "ATTR_TEXT('r')",
  "ATTR_TEXT('s')",
  'CONTAINS(ATTR_TEXT(table))',
  "CONTAINS('r.event', q)",
  "CONTAINS('s.name', q)",
  "CONTAINS('t.trace_id', q)",
  'CONTAINS(SCALAR_TEXT, param)',
  'CONTAINS("coalesce(s.status_message, \'\')", q)',
  'CONTAINS("k #>> \'{}\'", param)',
  'CONTAINS(`${table}.attrs_json`, escaped)',
  "ATTRS_CONTAIN('s', q, escaped)",
  "ATTRS_CONTAIN('r', q, escaped)",
  "ATTRS_CONTAIN('r', q, bind(JSON.stringify(query.q).slice(1, -1)))",
  // PgTraceStore's wide statements: ROWS FROM over one JSON array parameter per column (aliases from constant column
  // tables), and the numbers of the placeholders that follow them.
  'jsonRowsSql(SPAN_COLUMNS, first)',
  'jsonRowsSql(TRACE_COLUMNS, first)',
  'jsonRowsSql(LOOSE_RECORD_COLUMNS, 1)',
  'LOOSE_RECORD_COLUMNS.length + 1',
  'seq',
  'channel',
  'notices',
]);
const SQL_TEXT = /\b(SELECT|INSERT|UPDATE|DELETE|WHERE|EXISTS|user_version|json_each|json_tree|instr)\b/;
const SQL_FRAGMENT = /\b(CONTAINS|ATTRS_CONTAIN|ATTR_TEXT)\b/;

describe('SQL is parameterized throughout packages/server/src', () => {
  it('interpolates only reviewed constants and fragments into SQL text, and talks to SQLite only in store/', () => {
    const unreviewed: string[] = [];
    let sqlTemplates = 0;
    for (const file of sourceFiles(serverSource)) {
      const source = readFileSync(file, 'utf8');
      const where = relative(serverSource, file);
      if (/from 'better-sqlite3'/.test(source)) expect(where.startsWith('store/'), where).toBe(true);
      for (const template of templateLiterals(source)) {
        if (!SQL_TEXT.test(template.text) && !template.expressions.some((e) => SQL_FRAGMENT.test(e))) continue;
        sqlTemplates++;
        for (const expression of template.expressions)
          if (!REVIEWED_SQL_INTERPOLATIONS.has(expression)) unreviewed.push(`${where}: \${${expression}} in \`${template.text.slice(0, 60)}\``);
      }
    }
    expect(sqlTemplates).toBeGreaterThan(10);
    expect(unreviewed).toEqual([]);
  });
});
