/** A private PostgreSQL cluster started by `startPostgres`. */
export interface PostgresCluster {
  /** Its temporary directory (data, socket, log). */
  readonly dir: string;
  readonly port: number;
  /** `postgres://postgres@127.0.0.1:PORT/postgres`. */
  readonly url: string;
  /** Starts the server again on the same port (after `stop`). */
  start(): Promise<void>;
  /** Stops the server (fast shutdown); the data stays for `start`. */
  stop(): Promise<void>;
  /** Stops and starts the server. */
  restart(): Promise<void>;
  /** Stops the server and deletes the cluster. */
  destroy(): Promise<void>;
  /** Creates an empty database (a lowercase word), sorting text by an ICU locale if given (else C); resolves to its URL. */
  createDatabase(name: string, options?: { icuLocale?: string }): Promise<string>;
  /** Runs psql on a database of the cluster with the given arguments; resolves to its output. */
  psql(database: string, args: string[]): Promise<string>;
  /** The server's log. */
  log(): string;
}
/** Returns the directory of PostgreSQL's programs, installing Debian's postgresql-15 first if needed (root only). */
export declare function ensurePostgres(): string;
/** Starts a private cluster on a free 127.0.0.1 port; `durable: false` (default) turns fsync off. */
export declare function startPostgres(options?: { durable?: boolean }): Promise<PostgresCluster>;
