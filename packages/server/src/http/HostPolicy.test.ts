import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HostPolicy, hostNameOf, isHostName } from './HostPolicy.js';

// HostPolicy reads only the headers; the server tests send the same headers over real HTTP.
const withHeaders = (headers: IncomingHttpHeaders): IncomingMessage => ({ headers }) as IncomingMessage;
const hostRefused = (policy: HostPolicy, host: string | undefined): boolean => policy.refuseHost(withHeaders(host === undefined ? {} : { host })) !== undefined;

describe('HostPolicy', () => {
  it('answers loopback names and addresses on any port, and nothing else, when bound to 127.0.0.1', () => {
    const policy = new HostPolicy('127.0.0.1');
    for (const host of ['localhost', 'LOCALHOST:4319', '127.0.0.1', '127.0.0.1:80', '127.9.8.7:1', '[::1]', '[::1]:4319', undefined]) {
      expect(hostRefused(policy, host), String(host)).toBe(false);
    }
    for (const host of [
      'evil.example',
      'evil.example:4319',
      'localhost.evil.example',
      'localhost.',
      '127.0.0.1.nip.io',
      '10.0.0.5',
      '[fe80::1]',
      '',
      'a b',
      'user@localhost',
      'localhost/x',
    ]) {
      expect(hostRefused(policy, host), host).toBe(true);
    }
    expect(policy.refuseHost(withHeaders({ host: 'evil.example:4319' }))).toMatch(
      /does not answer to the Host "evil.example:4319".*--allowed-host evil.example/,
    );
  });

  it('answers the bound host and the allowed names, whatever their case and port', () => {
    const policy = new HostPolicy('192.168.1.20', ['Traces.Example.com', 'fe80::1', 'proxy.internal:8443']);
    for (const host of ['192.168.1.20:4319', 'traces.example.com', 'TRACES.example.COM:443', '[fe80::1]:4319', 'proxy.internal']) {
      expect(hostRefused(policy, host), host).toBe(false);
    }
    expect(hostRefused(policy, 'other.example.com')).toBe(true);
    expect(hostRefused(policy, '192.168.1.21')).toBe(true);
  });

  it('bound to every interface, answers any address literal (which cannot be rebound) but still no other name', () => {
    for (const bind of ['0.0.0.0', '::']) {
      const policy = new HostPolicy(bind);
      for (const host of ['10.0.0.5:4319', '192.168.1.20', '[fe80::1]:4319', 'localhost']) expect(hostRefused(policy, host), `${bind} ${host}`).toBe(false);
      expect(hostRefused(policy, 'evil.example'), bind).toBe(true);
    }
  });

  it('refuses browser requests from another site, by Sec-Fetch-Site first, else by Origin', () => {
    const policy = new HostPolicy('127.0.0.1');
    const refused = (headers: IncomingHttpHeaders): boolean => policy.refuseCrossSite(withHeaders({ host: '127.0.0.1:4319', ...headers })) !== undefined;
    // Programs (SDK exporters, curl, aitrace writers) send neither header.
    expect(refused({})).toBe(false);
    expect(refused({ 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:4319' })).toBe(false);
    expect(refused({ 'sec-fetch-site': 'none' })).toBe(false);
    expect(refused({ 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' })).toBe(true);
    // Another port of this machine is the same site but another origin.
    expect(refused({ 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:5173' })).toBe(true);
    // Behind a proxy that rewrites Host, the browser's own same-origin verdict is what counts.
    expect(refused({ 'sec-fetch-site': 'same-origin', origin: 'https://traces.example.com' })).toBe(false);
    // Browsers without Sec-Fetch-Site: the Origin must be this Host.
    expect(refused({ origin: 'http://127.0.0.1:4319' })).toBe(false);
    expect(refused({ origin: 'http://127.0.0.1:5173' })).toBe(true);
    expect(refused({ origin: 'https://127.0.0.1:4319' })).toBe(false);
    expect(refused({ origin: 'http://localhost:4319' })).toBe(true);
    expect(refused({ origin: 'null' })).toBe(true);
    expect(refused({ origin: 'file://' })).toBe(true);
    expect(policy.refuseCrossSite(withHeaders({ host: 'localhost', origin: 'http://localhost:80' }))).toBeUndefined();
    expect(policy.refuseCrossSite(withHeaders({ host: 'localhost:443', origin: 'https://localhost' }))).toBeUndefined();
    expect(policy.refuseCrossSite(withHeaders({ origin: 'http://localhost' }))).toMatch(/another origin \(http:\/\/localhost\)/);
  });
});

describe('hostNameOf and isHostName', () => {
  it('reads the host of a Host value and refuses what is not one', () => {
    expect(hostNameOf('Example.COM:8080')).toBe('example.com');
    expect(hostNameOf('[::1]:80')).toBe('[::1]');
    expect(hostNameOf('::1')).toBe('[::1]');
    expect(hostNameOf('a/b')).toBeUndefined();
    expect(hostNameOf('x:y')).toBeUndefined();
    for (const good of ['traces.example.com', 'traces.example.com:8443', '10.0.0.5', 'fe80::1', '[fe80::1]']) expect(isHostName(good), good).toBe(true);
    for (const bad of ['https://traces.example.com', 'traces.example.com/', 'user@host', 'a b', '', 'host?x']) expect(isHostName(bad), bad).toBe(false);
  });
});
