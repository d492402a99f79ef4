/**
 * Carries public story events between nodes. Every node publishes what happened on it and hears everything,
 * including its own messages, so a node's readers are served the same way whichever node took the write.
 */
export interface Broker {
  /**
   * Sends a message to every node. With `confirm`, resolves once every node that heard it has handled it (or after
   * `timeoutMs`): a removal must be gone from every node's cache before the request that made it answers.
   */
  publish(message: string, opts?: { confirm?: boolean; timeoutMs?: number }): Promise<void>;
  onMessage(handler: (message: string) => void): void;
  /** Called after the link to other nodes came back: readers may have missed messages and must catch up. */
  onReconnect(handler: () => void): void;
  healthy(): boolean;
  close(): Promise<void>;
}

/** One node, no Redis: delivery is a function call (on the next tick, or at once when confirmed). */
export function memoryBroker(): Broker {
  const handlers: ((m: string) => void)[] = [];
  return {
    async publish(message, opts) {
      if (opts?.confirm) handlers.forEach((h) => h(message));
      else queueMicrotask(() => handlers.forEach((h) => h(message)));
    },
    onMessage(h) {
      handlers.push(h);
    },
    onReconnect() {},
    healthy: () => true,
    async close() {},
  };
}
