// What lint's two kinds of worker threads share: splitting work by size, and running one worker to its one message.
import { Worker } from 'node:worker_threads';

/**
 * Splits `items` into at most `count` shares of about equal size (largest first, each to the smallest share so
 * far), so that the threads end at about the same time.
 */
export function shareBySize<T>(items: T[], sizeOf: (item: T) => number, count: number): T[][] {
  const shares: { items: T[]; size: number }[] = [];
  for (let i = 0; i < Math.max(1, Math.min(count, items.length)); i++) shares.push({ items: [], size: 0 });
  const sorted = [...items].sort((a, b) => sizeOf(b) - sizeOf(a));
  for (const item of sorted) {
    let smallest = shares[0];
    for (const share of shares) if (smallest === undefined || share.size < smallest.size) smallest = share;
    if (smallest === undefined) break;
    smallest.items.push(item);
    smallest.size += sizeOf(item);
  }
  return shares.map((share) => share.items);
}

/** Starts a worker on `input` and resolves with the one message it posts; rejects if it fails or exits early. */
export function runWorker<Input, Output>(url: URL, input: Input): Promise<Output> {
  return new Promise<Output>((resolve, reject) => {
    const worker = new Worker(url, { workerData: input });
    worker.once('message', (message: Output) => resolve(message));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`lint worker exited with code ${code}`));
    });
  });
}
