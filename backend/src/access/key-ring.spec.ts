import { ANONYMOUS, KeyRing } from './key-ring';

const requestWith = (headers: Record<string, string>, ip = '10.0.0.1') => ({
  ip,
  header: (name: string) => headers[name.toLowerCase()],
});

const keys = (clients: string[], admins: string[] = []) => ({ API_KEYS: clients, ADMIN_KEYS: admins });

describe('KeyRing', () => {
  it('without keys, everyone is anonymous, budgeted by address, and the operator (admin)', () => {
    expect(new KeyRing(keys([])).identify(requestWith({}))).toEqual({ owner: ANONYMOUS, client: 'ip:10.0.0.1', role: 'admin' });
  });

  it('gives API_KEYS and UI_API_KEY the client role, ADMIN_KEYS the admin role', () => {
    const ring = new KeyRing({ ...keys(['alpha'], ['root']), UI_API_KEY: 'ui' });
    expect(ring.identify(requestWith({ 'x-api-key': 'alpha' }))?.role).toBe('client');
    expect(ring.identify(requestWith({ 'x-api-key': 'ui' }))?.role).toBe('client');
    expect(ring.identify(requestWith({ authorization: 'Bearer root' }))?.role).toBe('admin');
  });

  it('gives UI_API_KEY the admin role only with UI_ROLE=admin', () => {
    const ring = new KeyRing({ ...keys(['alpha']), UI_API_KEY: 'ui', UI_ROLE: 'admin' });
    expect(ring.identify(requestWith({ 'x-api-key': 'ui' }))?.role).toBe('admin');
    expect(ring.identify(requestWith({ 'x-api-key': 'alpha' }))?.role).toBe('client');
  });

  it('accepts a key in X-API-Key or as a Bearer token, and keeps only its digest', () => {
    const ring = new KeyRing(keys(['alpha', 'beta']));
    const byHeader = ring.identify(requestWith({ 'x-api-key': 'alpha' }));
    const byBearer = ring.identify(requestWith({ authorization: 'Bearer alpha' }, '10.0.0.2'));
    expect(byHeader).toEqual(byBearer); // one key, one owner, whatever the address
    expect(byHeader?.owner).toMatch(/^key:[0-9a-f]{16}$/);
    expect(byHeader?.owner).not.toContain('alpha');
    expect(ring.identify(requestWith({ 'x-api-key': 'beta' }))?.owner).not.toBe(byHeader?.owner);
  });

  it('refuses a missing, wrong, prefixed or differently sized key', () => {
    const ring = new KeyRing(keys(['alpha']));
    const cases: Record<string, string>[] = [{}, { 'x-api-key': 'alph' }, { 'x-api-key': 'alphaa' }, { authorization: 'Basic alpha' }, { authorization: 'Bearer' }];
    for (const headers of cases) {
      expect(ring.identify(requestWith(headers))).toBeNull();
    }
  });
});
