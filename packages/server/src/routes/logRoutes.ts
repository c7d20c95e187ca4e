import type { ServerResponse } from 'node:http';
import { parseLogQuery } from '../http/parseLogQuery.js';
import { sendJson } from '../http/respond.js';
import type { ServerContext } from '../ServerContext.js';

/** `GET /api/logs`: one page of logs, in traces or outside any, newest first unless `order=asc`: `{ logs, nextCursor }`. */
export async function listLogs(url: URL, response: ServerResponse, context: ServerContext): Promise<void> {
  sendJson(response, 200, await context.store.listLogs(parseLogQuery(url.searchParams)));
}
