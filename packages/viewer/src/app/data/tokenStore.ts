const KEY = 'aitrace-token';
let remembered: string | undefined;

/** The bearer token for a server started with `--token`, kept for this browser tab. */
export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? remembered;
  } catch {
    return remembered;
  }
}

/** Keeps the token for this tab (in memory too, in case storage is disabled). */
export function saveToken(token: string): void {
  remembered = token;
  try {
    sessionStorage.setItem(KEY, token);
  } catch {
    // Storage can be disabled; the token then lasts until the page reloads.
  }
}
