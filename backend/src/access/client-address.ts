import { isIPv4, isIPv6 } from 'node:net';

/**
 * The address a client's budgets (rate limit, failed keys) are kept under. An IPv6 host usually owns a whole
 * /64 and can pick any address in it, so IPv6 addresses count per /64; IPv4 (also IPv4-mapped IPv6) per address.
 */
export function clientAddressGroup(address: string | undefined): string {
  if (!address) return 'unknown';
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

/** Eight 4-digit groups, lower case ("2001:db8::1" → 2001, 0db8, 0000, …, 0001). */
function expandIPv6(address: string): string[] {
  const withoutZone = address.split('%')[0];
  const [head, tail = ''] = withoutZone.includes('::') ? withoutZone.split('::') : [withoutZone, ''];
  const groups = (part: string) => (part ? part.split(':') : []);
  const left = groups(head);
  const right = groups(tail);
  // An embedded IPv4 tail (::ffff:1.2.3.4 in other prefixes) fills two groups; only the first four matter here.
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array.from({ length: Math.max(0, missing) }, () => '0'), ...right];
  return all.map((group) => group.toLowerCase().padStart(4, '0'));
}
