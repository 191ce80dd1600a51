/**
 * The page's side of the training worker: requests that expect a reply (predict, save, load,
 * evaluate) become promises matched by id; everything else the worker says goes to `listen`.
 */
import type { FromWorker, ToWorker } from './protocol.js';

type Request = Extract<ToWorker, { id: number }>;
type Unsolicited = Exclude<FromWorker, { type: 'reply' }>;
/** A request as the caller writes it: the client adds the id (distributed over the union). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class WorkerClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly listeners: ((message: Unsolicited) => void)[] = [];

  constructor() {
    this.worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = ({ data }: MessageEvent<FromWorker>) => {
      const waiting = 'id' in data && data.id !== undefined ? this.pending.get(data.id) : undefined;
      if (waiting !== undefined && (data.type === 'reply' || data.type === 'error')) {
        this.pending.delete(data.id!);
        if (data.type === 'reply') waiting.resolve(data.value);
        else waiting.reject(new Error(data.message));
        return;
      }
      if (data.type !== 'reply') for (const listen of this.listeners) listen(data);
    };
  }

  listen(listener: (message: Unsolicited) => void): void {
    this.listeners.push(listener);
  }

  send(message: Exclude<ToWorker, { id: number }>): void {
    this.worker.postMessage(message);
  }

  request<T>(message: WithoutId<Request>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...message, id });
    });
  }
}
