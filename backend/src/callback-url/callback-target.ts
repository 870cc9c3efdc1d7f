import { lookup as dnsLookup } from 'node:dns';
import { promises as dns } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Where callbacks may go: the operator's allow-list of hosts, and whether private addresses are allowed. */
export interface CallbackPolicy {
  /** Host names (`hooks.example.com`) or suffixes (`*.example.com`); empty: any host. */
  allowedHosts: string[];
  /**
   * Loopback, private, link-local and other non-public addresses, and ports other than 80 and 443; false
   * outside tests and private networks.
   */
  allowPrivate: boolean;
}

/** A callback goes to a web server's usual port: any other port is how SSRF reaches internal services. */
const PUBLIC_PORTS = new Set(['', '80', '443']);

// Addresses a callback must not reach (SSRF): this host, the private networks, cloud metadata (169.254.169.254),
// carrier-grade NAT, the documentation ranges (TEST-NET-1..3, 2001:db8::/32), benchmarking, multicast and
// reserved ranges, and the IPv6 transition prefixes that embed an IPv4 address a gateway would reach for us
// (NAT64 64:ff9b::/96 and 64:ff9b:1::/48, 6to4 2002::/16, Teredo 2001::/32). IPv4-mapped IPv6 addresses are
// checked as IPv4.
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

export function isPublicAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return !NOT_PUBLIC.check(mapped[1], 'ipv4');
  const family = isIP(address);
  if (family === 0) return false;
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function hostAllowed(host: string, allowed: string[]): boolean {
  if (allowed.length === 0) return true;
  const name = host.toLowerCase();
  return allowed.some((entry) => {
    const rule = entry.toLowerCase();
    return rule.startsWith('*.') ? name.endsWith(rule.slice(1)) : name === rule;
  });
}

/**
 * Why a callback URL is refused, or null: http(s) only, no credentials, a host on the allow-list, and (unless
 * allowed) only public addresses, the name resolved now. Delivery checks the address again when it connects
 * (`guardedLookup`), so a name that later resolves elsewhere (DNS rebinding) is refused then.
 */
export async function refusalOf(raw: string, policy: CallbackPolicy): Promise<string | null> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'callbackUrl is not an absolute URL';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return 'callbackUrl must be an http or https URL';
  if (url.username || url.password) return 'callbackUrl must not carry credentials';
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowedHosts)) return `callbackUrl's host ${host} is not in the allowed callback hosts`;
  if (policy.allowPrivate) return null;
  if (!PUBLIC_PORTS.has(url.port)) return `callbackUrl's port ${url.port} is not allowed (only 80 and 443)`;
  const addresses = isIP(host) ? [host] : await resolveAll(host);
  if (addresses === null) return `callbackUrl's host ${host} does not resolve`;
  // Never which address: the caller must not learn what an internal name resolves to.
  return addresses.some((address) => !isPublicAddress(address)) ? `callbackUrl's host ${host} is not a public address` : null;
}

async function resolveAll(host: string): Promise<string[] | null> {
  try {
    const found = await dns.lookup(host, { all: true, verbatim: true });
    return found.length ? found.map((entry) => entry.address) : null;
  } catch {
    return null;
  }
}

/** For `http.request({lookup})`: resolves as usual, then refuses a non-public address unless allowed. */
export function guardedLookup(policy: CallbackPolicy) {
  return ((hostname: string, options: object, callback: (error: Error | null, address: string | object[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      const entries = found as { address: string; family: number }[];
      const refused = policy.allowPrivate ? undefined : entries.find((entry) => !isPublicAddress(entry.address));
      if (refused) return callback(new CallbackRefused(`${hostname} is not a public address`), []);
      if ((options as { all?: boolean }).all) return callback(null, entries);
      callback(null, entries[0].address, entries[0].family);
    });
  }) as unknown as typeof dnsLookup;
}

/** A delivery refused by policy: retrying would not change it. */
export class CallbackRefused extends Error {}
