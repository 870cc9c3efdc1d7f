/**
 * Slots per client in this process: how many of something (open event streams, webhook deliveries in flight)
 * one client may hold at once, so one client's many never use up what everyone shares.
 */
export class PerClientSlots {
  private readonly held = new Map<string, number>();

  constructor(private readonly perClient: number) {}

  /** A slot for this client (call the returned function to give it back, once), or null when it holds them all. */
  take(client: string): (() => void) | null {
    const count = this.held.get(client) ?? 0;
    if (count >= this.perClient) return null;
    this.held.set(client, count + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.held.get(client) ?? 1) - 1;
      if (left > 0) this.held.set(client, left);
      else this.held.delete(client);
    };
  }
}
