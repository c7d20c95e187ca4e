import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

const WILDCARDS = new Set(['0.0.0.0', '::', '[::]']);

/** The host name of a `Host` value (`name`, `name:port`, `[v6]:port`, bare `v6`), lowercased, or undefined when malformed. */
export function hostNameOf(header: string): string | undefined {
  const trimmed = header.trim();
  try {
    const url = new URL(`http://${isIP(trimmed) === 6 ? `[${trimmed}]` : trimmed}`);
    // A Host header holds a host and an optional port, nothing else (no user info, path or query).
    if (url.username !== '' || url.password !== '' || url.pathname !== '/' || url.search !== '' || url.hash !== '') return undefined;
    return url.hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Whether a value names a host as `allowedHosts` takes it: a name or address, maybe with a port, no scheme or path. */
export function isHostName(value: string): boolean {
  return /^[^/@?#\s]+$/.test(value) && hostNameOf(value) !== undefined;
}

/** Whether a host name (as `hostNameOf` returns it) is this machine's loopback: `localhost`, 127.0.0.0/8 or [::1]. */
export function isLoopbackName(name: string): boolean {
  if (name === 'localhost' || name === '[::1]' || name === '::1') return true;
  return isIP(name) === 4 && name.startsWith('127.');
}

/** Whether a host name is an IP address literal (`10.0.0.5`, `[fe80::1]`). */
function isIpLiteral(name: string): boolean {
  return isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0;
}

/** Whether an `Origin` is this server as the browser reached it: the scheme's default port aside, the request's Host. */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    // "null" (a sandboxed frame, a file:// page) and anything unparsable are another origin.
    return false;
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || host === undefined) return false;
  try {
    // The same host and port, the port read with the origin's scheme's default (https://x is x:443).
    return new URL(`${url.protocol}//${host.trim()}`).host === url.host;
  } catch {
    return false;
  }
}

/**
 * Which `Host` headers and which browser origins the server answers to. A page can point a name it controls at
 * 127.0.0.1 (DNS rebinding) but its requests then carry that name in `Host`, so only loopback names, the bound
 * host and the `--allowed-host` names are answered. Browser requests from another site are refused on data
 * endpoints, judged by `Sec-Fetch-Site`, else by `Origin`; clients that send neither (SDK exporters, curl) pass.
 */
export class HostPolicy {
  private readonly allowed: ReadonlySet<string>;
  private readonly anyIpLiteral: boolean;

  /** `bindHost` is the interface the server listens on; `allowedHosts` are extra names it is reached by (a proxy's). */
  constructor(bindHost: string, allowedHosts: readonly string[] = []) {
    const names = new Set<string>();
    for (const host of [bindHost, ...allowedHosts]) {
      const name = hostNameOf(host);
      if (name !== undefined) names.add(name);
    }
    this.allowed = names;
    // Bound to every interface, the server is meant to be reached by any of this machine's addresses; an address
    // literal cannot be rebound to another machine, so accepting it keeps the DNS-rebinding defence intact.
    this.anyIpLiteral = WILDCARDS.has(bindHost.trim());
  }

  /** Why the request's `Host` is refused, or undefined when the server answers to it. */
  refuseHost(request: IncomingMessage): string | undefined {
    const header = request.headers.host;
    // HTTP/1.0 clients may send none; browsers always send one, so a missing Host cannot come from a rebound page.
    if (header === undefined) return undefined;
    const name = hostNameOf(header);
    if (name !== undefined && (isLoopbackName(name) || this.allowed.has(name) || (this.anyIpLiteral && isIpLiteral(name)))) return undefined;
    return `this server does not answer to the Host ${JSON.stringify(header)}: it answers to localhost, 127.0.0.1 and [::1], the --host it is bound to, and the names given with --allowed-host (start it with --allowed-host ${name ?? 'NAME'} if that is its name)`;
  }

  /** Why a browser request from another site is refused, or undefined for same-origin and non-browser requests. */
  refuseCrossSite(request: IncomingMessage): string | undefined {
    const site = request.headers['sec-fetch-site'];
    // Browsers set Sec-Fetch-Site themselves (scripts cannot), so it is the surest answer where present.
    if (site !== undefined) {
      if (site === 'same-origin' || site === 'none') return undefined;
      return `a page from another origin may not use this endpoint (Sec-Fetch-Site: ${site}); open the viewer this server serves, or send from a program rather than a web page`;
    }
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    if (isOwnOrigin(origin, request.headers.host)) return undefined;
    return `a page from another origin (${origin}) may not use this endpoint; open the viewer this server serves, or send from a program rather than a web page`;
  }
}
