import { clientAddressGroup } from './client-address';

describe('clientAddressGroup', () => {
  it('keeps an IPv4 address, also when IPv4-mapped', () => {
    expect(clientAddressGroup('203.0.113.7')).toBe('203.0.113.7');
    expect(clientAddressGroup('::ffff:203.0.113.7')).toBe('203.0.113.7');
  });

  it('groups IPv6 addresses per /64, whatever their spelling', () => {
    const group = '2001:0db8:0001:0002::/64';
    expect(clientAddressGroup('2001:db8:1:2::1')).toBe(group);
    expect(clientAddressGroup('2001:db8:1:2:ffff:ffff:ffff:fffe')).toBe(group);
    expect(clientAddressGroup('2001:DB8:1:2:0:0:0:9')).toBe(group);
    expect(clientAddressGroup('2001:db8:1:3::1')).not.toBe(group);
    expect(clientAddressGroup('::1')).toBe('0000:0000:0000:0000::/64');
  });

  it('names a missing address', () => {
    expect(clientAddressGroup(undefined)).toBe('unknown');
  });
});
