import { request } from 'node:http';

/** An answer read in full. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends one request with the path and headers exactly as given (fetch normalises `..` and `//`, and merges or
 * refuses some headers). A body without a Content-Length goes chunked. Event streams are read for `streamMs`.
 */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer; streamMs?: number },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: options.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      const done = (): void => resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      res.on('end', done);
      if (res.headers['content-type']?.startsWith('text/event-stream')) {
        setTimeout(() => {
          res.destroy();
          done();
        }, options.streamMs ?? 200);
      }
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
