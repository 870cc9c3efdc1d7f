/**
 * A strict test double (unit specs only): it has exactly the members given, each a jest mock when it is a
 * function, and any other member read throws, naming it. A service that starts using one more method of an
 * adapter fails its spec loudly instead of receiving `undefined`.
 */
export type Double<T> = T & { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? jest.Mock<R, A> & T[K] : T[K] };

export function strictDouble<T extends object>(name: string, members: Partial<{ [K in keyof T]: T[K] }> = {}): Double<T> {
  const target: Record<PropertyKey, unknown> = {};
  for (const [key, value] of Object.entries(members)) target[key] = typeof value === 'function' ? jest.fn(value as (...args: unknown[]) => unknown) : value;
  return new Proxy(target, {
    get(object, property) {
      if (property in object) return object[property];
      // Promise resolution and Jest's own printing look for these; they are not the service's calls.
      if (property === 'then' || property === 'asymmetricMatch' || property === 'nodeType' || property === 'tagName' || typeof property === 'symbol') return undefined;
      if (property === 'toJSON' || property === '$$typeof' || property === 'constructor') return undefined;
      throw new Error(`${name}.${String(property)} was used, but this test did not expect it`);
    },
  }) as unknown as Double<T>;
}
