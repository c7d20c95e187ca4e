import type { TraceSource } from '../data/TraceSource.js';

/** What a view may ask of the app around it. */
export interface ViewContext {
  source: TraceSource;
  /** Shows whether live updates are connected (undefined: not applicable). */
  setConnection(connected: boolean | undefined): void;
  /** Replaces the view with the token form; the view is opened again once a token is entered. */
  askForToken(): void;
  /** Goes back to the trace list, with the filters it had. */
  backToList(): void;
}

/** A screen of the app. */
export interface View {
  readonly element: HTMLElement;
  /** Stops loading, live updates and timers. */
  destroy(): void;
}
