import { ANONYMOUS, KeyRing } from './key-ring';

const requestWith = (headers: Record<string, string>, ip = '10.0.0.1') => ({
  ip,
  header: (name: string) => headers[name.toLowerCase()],
});

describe('KeyRing', () => {
  it('without keys, everyone is anonymous and budgeted by address', () => {
    expect(new KeyRing([]).identify(requestWith({}))).toEqual({ owner: ANONYMOUS, client: 'ip:10.0.0.1' });
  });

  it('accepts a key in X-API-Key or as a Bearer token, and keeps only its digest', () => {
    const ring = new KeyRing(['alpha', 'beta']);
    const byHeader = ring.identify(requestWith({ 'x-api-key': 'alpha' }));
    const byBearer = ring.identify(requestWith({ authorization: 'Bearer alpha' }, '10.0.0.2'));
    expect(byHeader).toEqual(byBearer); // one key, one owner, whatever the address
    expect(byHeader?.owner).toMatch(/^key:[0-9a-f]{16}$/);
    expect(byHeader?.owner).not.toContain('alpha');
    expect(ring.identify(requestWith({ 'x-api-key': 'beta' }))?.owner).not.toBe(byHeader?.owner);
  });

  it('refuses a missing, wrong, prefixed or differently sized key', () => {
    const ring = new KeyRing(['alpha']);
    const cases: Record<string, string>[] = [{}, { 'x-api-key': 'alph' }, { 'x-api-key': 'alphaa' }, { authorization: 'Basic alpha' }, { authorization: 'Bearer' }];
    for (const headers of cases) {
      expect(ring.identify(requestWith(headers))).toBeNull();
    }
  });
});
