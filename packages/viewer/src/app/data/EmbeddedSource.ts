import { normalizeRecord, type NormalizedRecord } from '@aitrace/format';
import type { EmbeddedProblem, EmbeddedTrace } from '../../shared/embeddedTrace.js';
import type { Facets, StoredTrace } from '@aitrace/forest';
import type { ListRequest } from '../model/listOptions.js';
import type { LogViewQuery } from '../model/logQuery.js';
import type { TimeBounds } from '../model/timeRange.js';
import type { TraceListPage } from '../model/TraceListItem.js';
import { localTraces } from '../model/localTraceList.js';
import type { TraceQuery } from '../model/traceQuery.js';
import { localLogFacets, localLogList, localTraceFacets, localTraceList } from './localLists.js';
import type { LogListPage, TraceListener, TraceSource } from './TraceSource.js';

const LOG_PAGE_SIZE = 200;

/** Traces embedded in a single-file HTML trace: everything is in the page, nothing changes, no network. */
export class EmbeddedSource implements TraceSource {
  readonly live: boolean;
  readonly title: string;
  readonly problems: EmbeddedProblem[];
  private readonly byTrace = new Map<string, NormalizedRecord[]>();
  /** Logs outside any trace (they belong to no trace, but the logs view shows them). */
  private readonly untraced: NormalizedRecord[] = [];
  private stored: StoredTrace[] | undefined;

  constructor(data: EmbeddedTrace) {
    this.live = data.live;
    this.title = data.title;
    this.problems = [...data.problems];
    data.records.forEach((value, i) => {
      const result = normalizeRecord(value);
      if (!result.ok) {
        this.problems.push({ line: i + 1, message: `embedded record ${i + 1}: ${result.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}` });
        return;
      }
      const traceId = result.record.traceId;
      if (traceId === undefined) {
        this.untraced.push(result.record);
        return;
      }
      let records = this.byTrace.get(traceId);
      if (records === undefined) this.byTrace.set(traceId, (records = []));
      records.push(result.record);
    });
  }

  /** Ids of the embedded traces. */
  traceIds(): string[] {
    return [...this.byTrace.keys()];
  }

  // Built on first use: a page holding one big trace opens straight into it and never needs the list.
  private traces(): StoredTrace[] {
    this.stored ??= localTraces(this.byTrace);
    return this.stored;
  }

  listTraces(query: TraceQuery, cursor: string | null, request: ListRequest = {}): Promise<TraceListPage> {
    return Promise.resolve(localTraceList(this.traces(), query, cursor, request));
  }

  private allRecords(): NormalizedRecord[] {
    return [...this.untraced, ...[...this.byTrace.values()].flat()];
  }

  listLogs(query: LogViewQuery, bounds: TimeBounds, cursor: string | null): Promise<LogListPage> {
    return Promise.resolve(localLogList(this.allRecords(), query, bounds, cursor, LOG_PAGE_SIZE));
  }

  traceFacets(query: TraceQuery, bounds: TimeBounds): Promise<Facets> {
    return Promise.resolve(localTraceFacets(this.traces(), query, bounds));
  }

  logFacets(query: LogViewQuery, bounds: TimeBounds): Promise<Facets> {
    return Promise.resolve(localLogFacets(this.allRecords(), query, bounds));
  }

  watchRecords(): () => void {
    return () => undefined;
  }

  openTrace(traceId: string, listener: TraceListener): () => void {
    let stopped = false;
    queueMicrotask(() => {
      if (stopped) return;
      const records = this.byTrace.get(traceId);
      if (records === undefined) listener.missing();
      else listener.records(records);
    });
    return () => {
      stopped = true;
    };
  }

  watchTraces(): () => void {
    return () => undefined;
  }
}
