import fc from 'fast-check';
import { compareTraces, storedTrace, traceMatches, type TraceQuery, type TraceSummary } from '@aitrace/forest';
import type { NormalizedRecord, StatusName } from '@aitrace/format';
import type { TraceStore } from '../TraceStore.js';

const T0_US = Date.UTC(2025, 9, 26, 12, 0, 0) * 1000;
const TRACE_IDS = ['0af7651916cd43dd8448eb211c80319c', '4bf92f3577b34da6a3ce929d0e0e4736', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1'];
const MISSING_PARENT = 'ffffffffffffffff';
const SERVICES = ['api', 'worker', 'Ünïcode "svc"'];
const NAMES = ['GET /users', 'db.query', 'chat', 'say "hi"', 'Ärger 😀'];
const VERSIONS = ['1.0', '2.0'];
const ENVIRONMENTS = ['prod', 'staging'];
const MODELS = ['gpt-4o', 'gpt-4o-2024-08-06', 'llama3'];
const CONVERSATIONS = ['conv-1', 'conv 2'];
const EVENTS = ['cache_miss', 'exception', 'gen_ai.user.message', 'Log "X"'];
const KEYS = [
  'http.route',
  'k',
  'a"b',
  'ключ',
  'n',
  'nested',
  'gen_ai.request.model',
  'gen_ai.response.model',
  'gen_ai.conversation.id',
  'gen_ai.usage.input_tokens',
  'gen_ai.usage.output_tokens',
];
// Mixed types, with text that SQL and JavaScript write differently (1/3, 1e21, -0), quotes, backslashes and unicode.
const VALUES: unknown[] = [
  '/users',
  'Payment DECLINED',
  'a"b\\c',
  'é ü 😀',
  '',
  'true',
  '1',
  1,
  0,
  -0,
  1 / 3,
  0.1,
  1e21,
  2 ** 60,
  12.5,
  true,
  false,
  null,
  { table: 'users', 'k"ey': [1 / 3, 'X'] },
  ['a', 2, null],
  'gpt-4o',
  'llama3',
  'conv-1',
  7,
  '20',
];
// Texts searched for: pieces of the values, keys, names and ids above, in other cases, plus SQL's own spelling of 1/3.
const NEEDLES = [
  'users',
  'USERS',
  'declined',
  '"',
  'a"b',
  '\\',
  'é',
  '😀',
  'ключ',
  'true',
  'null',
  '0.3333333333333333',
  '33333333333333332',
  '1e+21',
  '1.0e+21',
  'table',
  'k"ey',
  'hi',
  'db.',
  'cache',
  'gen_ai',
  '0af7',
  '4BF9',
  'nothing like this',
  ' ',
  'rger',
];

interface SpanPlan {
  trace: number;
  span: number;
  parent: number | null;
  name: string;
  service: string | null;
  status: StatusName;
  statusMessage: string | null;
  startMs: number;
  durationMs: number;
  start: boolean;
  end: boolean;
  startAttrs: Record<string, unknown>;
  endAttrs: Record<string, unknown>;
  version: string | null;
  environment: string | null;
}

const pick = <T>(items: readonly T[]): fc.Arbitrary<T> => fc.constantFrom(...items);
const attrsArb = fc.dictionary(pick(KEYS), pick(VALUES), { maxKeys: 4 });

const spanArb: fc.Arbitrary<SpanPlan> = fc.record({
  trace: fc.nat({ max: TRACE_IDS.length - 1 }),
  span: fc.nat({ max: 5 }),
  parent: fc.option(fc.nat({ max: 6 }), { nil: null }),
  name: pick(NAMES),
  service: fc.option(pick(SERVICES), { nil: null }),
  status: pick(['ok', 'error', 'unset'] as const),
  statusMessage: fc.option(pick(['Payment declined', 'timeout "x"']), { nil: null }),
  startMs: fc.nat({ max: 50 }),
  durationMs: fc.nat({ max: 30 }),
  start: fc.boolean(),
  end: fc.boolean(),
  startAttrs: attrsArb,
  endAttrs: attrsArb,
  version: fc.option(pick(VERSIONS), { nil: null }),
  environment: fc.option(pick(ENVIRONMENTS), { nil: null }),
});

interface RecordPlan {
  trace: number;
  span: number;
  kind: 'log' | 'span_event';
  event: string;
  atMs: number;
  service: string | null;
  attrs: Record<string, unknown>;
}

const recordArb: fc.Arbitrary<RecordPlan> = fc.record({
  trace: fc.nat({ max: TRACE_IDS.length - 1 }),
  span: fc.nat({ max: 5 }),
  kind: pick(['log', 'span_event'] as const),
  event: pick(EVENTS),
  atMs: fc.nat({ max: 80 }),
  service: fc.option(pick(SERVICES), { nil: null }),
  attrs: attrsArb,
});

const spanIdOf = (n: number): string => (n + 1).toString(16).padStart(16, '0');
const iso = (us: number): string => new Date(Math.floor(us / 1000)).toISOString();

function spanRecords(plan: SpanPlan): NormalizedRecord[] {
  const traceId = TRACE_IDS[plan.trace]!;
  // Parents point only at lower span numbers (or at a span that never comes), so there are no cycles.
  const parent = plan.parent === null ? undefined : plan.parent >= plan.span ? MISSING_PARENT : spanIdOf(plan.parent);
  const startUs = T0_US + plan.startMs * 1000;
  const resource: Record<string, unknown> = {};
  if (plan.version !== null) resource['service.version'] = plan.version;
  if (plan.environment !== null) resource['deployment.environment.name'] = plan.environment;
  const base = {
    formatVersion: 2,
    traceId,
    spanId: spanIdOf(plan.span),
    name: plan.name,
    kind: 'internal' as const,
    meta: {},
    ...(parent === undefined ? {} : { parentSpanId: parent }),
    ...(plan.service === null ? {} : { service: plan.service }),
    ...(Object.keys(resource).length === 0 ? {} : { resource }),
  };
  const records: NormalizedRecord[] = [];
  if (plan.start || !plan.end)
    records.push({
      ...base,
      timestamp: iso(startUs),
      timeUs: startUs,
      event: `${plan.name}.start`,
      type: 'span_start',
      provisional: true,
      attrs: plan.startAttrs,
    });
  if (plan.end) {
    const endUs = startUs + plan.durationMs * 1000;
    records.push({
      ...base,
      timestamp: iso(endUs),
      timeUs: endUs,
      event: `${plan.name}.end`,
      type: 'span_end',
      provisional: false,
      status: plan.status,
      ...(plan.statusMessage === null ? {} : { statusMessage: plan.statusMessage }),
      startTimeUs: startUs,
      durationMs: plan.durationMs,
      attrs: plan.endAttrs,
    });
  }
  return records;
}

function otherRecord(plan: RecordPlan): NormalizedRecord {
  const timeUs = T0_US + plan.atMs * 1000;
  return {
    formatVersion: 2,
    timestamp: iso(timeUs),
    timeUs,
    event: plan.event,
    type: plan.kind,
    provisional: false,
    meta: {},
    traceId: TRACE_IDS[plan.trace]!,
    spanId: spanIdOf(plan.span),
    attrs: plan.attrs,
    ...(plan.kind === 'log' ? { level: 'info' as const } : {}),
    ...(plan.service === null ? {} : { service: plan.service }),
  };
}

const attrTextOf = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

// Each part of a query on its own, so a query of one to three parts can be drawn without filtering.
const QUERY_PARTS: fc.Arbitrary<TraceQuery>[] = [
  pick(SERVICES).map((service) => ({ service })),
  pick(VERSIONS).map((serviceVersion) => ({ serviceVersion })),
  pick(ENVIRONMENTS).map((environment) => ({ environment })),
  pick(NAMES).map((name) => ({ name })),
  pick(['error', 'running', 'ok'] as const).map((status) => ({ status })),
  fc.nat({ max: 60 }).map((ms) => ({ fromUs: T0_US + ms * 1000 })),
  fc.nat({ max: 60 }).map((ms) => ({ toUs: T0_US + ms * 1000 })),
  fc.array(fc.record({ key: pick(KEYS), value: pick(VALUES).map(attrTextOf) }), { minLength: 1, maxLength: 2 }).map((attrs) => ({ attrs })),
  pick(MODELS).map((model) => ({ model })),
  pick(CONVERSATIONS).map((conversation) => ({ conversation })),
  pick(NEEDLES).map((q) => ({ q })),
];

/** Every text the attribute search sees in a value: keys and scalars at any depth. */
function textsOf(value: unknown, into: string[]): void {
  if (Array.isArray(value)) for (const item of value) textsOf(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      into.push(key);
      textsOf(item, into);
    }
  } else into.push(attrTextOf(value));
}

/** Queries whose parts come from the pools above or from the data itself, so that many of them match something. */
function queriesFor(batches: readonly (readonly NormalizedRecord[])[]): fc.Arbitrary<TraceQuery[]> {
  const records = batches.flat();
  const pairs = records.flatMap((record) => Object.entries(record.attrs).map(([key, value]) => ({ key, value: attrTextOf(value) })));
  const texts: string[] = [];
  for (const record of records) {
    textsOf(record.attrs, texts);
    texts.push(record.event, record.traceId ?? '', record.name ?? '', record.statusMessage ?? '');
  }
  const parts = [...QUERY_PARTS];
  if (pairs.length > 0) parts.push(fc.array(pick(pairs), { minLength: 1, maxLength: 2 }).map((attrs) => ({ attrs })));
  const needles = texts.filter((text) => text !== '');
  if (needles.length > 0) {
    parts.push(
      fc.tuple(pick(needles), fc.nat(), fc.nat({ max: 12 }), fc.boolean()).map(([text, from, length, upper]) => {
        // By code points: half a surrogate pair is not text (SQL stores cannot hold it).
        const chars = Array.from(text);
        const start = from % chars.length;
        const piece = chars.slice(start, start + 1 + length).join('');
        return { q: upper ? piece.toUpperCase() : piece };
      }),
    );
  }
  const query = fc.array(fc.oneof(...parts), { minLength: 1, maxLength: 3 }).map((chosen) => Object.assign({}, ...chosen) as TraceQuery);
  return fc.array(query, { minLength: 1, maxLength: 4 });
}

/** Generated data: records of a few traces, split into ingest batches in arrival order. */
const datasetArb = fc
  .record({
    spans: fc.array(spanArb, { maxLength: 14 }),
    records: fc.array(recordArb, { maxLength: 6 }),
    models: fc.array(fc.record({ span: fc.nat({ max: 13 }), key: pick(['gen_ai.request.model', 'gen_ai.response.model']), model: pick(MODELS) }), {
      maxLength: 4,
    }),
    conversations: fc.array(fc.record({ span: fc.nat({ max: 13 }), conversation: pick(CONVERSATIONS) }), { maxLength: 2 }),
    tokens: fc.array(fc.record({ span: fc.nat({ max: 13 }), input: fc.nat({ max: 500 }), output: fc.nat({ max: 500 }) }), { maxLength: 5 }),
    seed: fc.nat(),
    cuts: fc.array(fc.nat({ max: 40 }), { maxLength: 3 }),
  })
  .map(({ spans, records, models, conversations, tokens, seed, cuts }) => {
    // GenAI attributes go on the end record when there is one (where instrumentations put them).
    const genAi = (index: number): Record<string, unknown> | undefined => {
      const plan = spans[index];
      return plan === undefined ? undefined : plan.end ? plan.endAttrs : plan.startAttrs;
    };
    for (const { span, key, model } of models) {
      const attrs = genAi(span);
      if (attrs !== undefined) attrs[key] = model;
    }
    for (const { span, conversation } of conversations) {
      const attrs = genAi(span);
      if (attrs !== undefined) attrs['gen_ai.conversation.id'] = conversation;
    }
    for (const { span, input, output } of tokens) {
      const attrs = genAi(span);
      if (attrs !== undefined) Object.assign(attrs, { 'gen_ai.usage.input_tokens': input, 'gen_ai.usage.output_tokens': output });
    }
    const all = [...spans.flatMap(spanRecords), ...records.map(otherRecord)];
    // A deterministic shuffle from the seed: ends may arrive before starts, logs before their spans.
    let state = seed || 1;
    for (let i = all.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) % 2147483648;
      const j = state % (i + 1);
      [all[i], all[j]] = [all[j]!, all[i]!];
    }
    const bounds = [...new Set(cuts.map((cut) => Math.min(cut, all.length)))].sort((a, b) => a - b);
    const batches: NormalizedRecord[][] = [];
    let from = 0;
    for (const bound of [...bounds, all.length]) {
      if (bound > from) batches.push(all.slice(from, bound));
      from = Math.max(from, bound);
    }
    return batches;
  });

/** What the reference matcher and accumulator say a store must list for a query: summaries, newest first. */
export function expectedTraces(batches: readonly (readonly NormalizedRecord[])[], query: TraceQuery): TraceSummary[] {
  const ids = new Set(batches.flatMap((batch) => batch.flatMap((record) => (record.traceId === undefined ? [] : [record.traceId]))));
  return [...ids]
    .map((traceId) => storedTrace(traceId, batches))
    .filter((trace) => traceMatches(trace, query))
    .map((trace) => trace.summary)
    .sort(compareTraces);
}

/** Every page of a query's trace list, following the cursors. */
async function listAll(store: TraceStore, query: TraceQuery, limit: number): Promise<TraceSummary[]> {
  const traces: TraceSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await store.listTraces({ ...query, limit, ...(cursor === undefined ? {} : { cursor }) });
    traces.push(...page.traces);
    if (page.nextCursor === null) return traces;
    cursor = page.nextCursor;
  }
}

/** Options of the trace-query property. */
export interface TraceQueryPropertyOptions {
  /** fast-check runs (default 150). */
  numRuns?: number;
  /** A fixed seed, to replay a failure. */
  seed?: number;
}

/**
 * The trace-query property for any TraceStore: random records (spans, span events, logs; services, names,
 * statuses, mixed attribute values with quotes and unicode, GenAI models, conversations and tokens) ingested in
 * random batches, and random queries; `listTraces`, paged, must give exactly the traces and summaries that
 * forest's reference matcher (`traceMatches`) and accumulator (`storedTrace`) give. `newStore` returns an empty
 * store; `dispose` releases it after each run.
 */
export async function checkTraceQueryProperty(
  newStore: () => Promise<TraceStore>,
  dispose: (store: TraceStore) => Promise<void>,
  options: TraceQueryPropertyOptions = {},
): Promise<void> {
  await fc.assert(
    fc.asyncProperty(
      datasetArb.chain((batches) => fc.tuple(fc.constant(batches), queriesFor(batches))),
      fc.integer({ min: 1, max: 3 }),
      async ([batches, queries], limit) => {
        const store = await newStore();
        try {
          for (const batch of batches) await store.ingest(batch);
          for (const query of [{}, ...queries]) {
            const actual = await listAll(store, query, limit);
            const expected = expectedTraces(batches, query);
            if (JSON.stringify(actual) !== JSON.stringify(expected)) {
              throw new Error(`query ${JSON.stringify(query)}:\n  store:     ${JSON.stringify(actual)}\n  reference: ${JSON.stringify(expected)}`);
            }
          }
        } finally {
          await dispose(store);
        }
      },
    ),
    { numRuns: options.numRuns ?? 150, ...(options.seed === undefined ? {} : { seed: options.seed }) },
  );
}
