import { PerClientSlots } from './per-client-slots';

describe('PerClientSlots', () => {
  it('gives each client its own slots, and takes a slot back once however often it is released', () => {
    const slots = new PerClientSlots(2);
    const first = slots.take('alice');
    const second = slots.take('alice');
    expect(first && second).toBeTruthy();
    expect(slots.take('alice')).toBeNull();
    expect(slots.take('bob')).not.toBeNull();
    first?.();
    first?.();
    expect(slots.take('alice')).not.toBeNull();
    expect(slots.take('alice')).toBeNull();
  });
});
