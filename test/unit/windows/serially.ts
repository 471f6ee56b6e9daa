// The emulator's state lock waits by blocking its thread, which is right for its one-shot processes; in a
// unit test every emulated server shares this thread, so scripts run one after the other.
let queue: Promise<unknown> = Promise.resolve();

export function serially<T>(body: () => Promise<T>): Promise<T> {
  const next = queue.then(body, body);
  queue = next.catch(() => undefined);
  return next;
}
