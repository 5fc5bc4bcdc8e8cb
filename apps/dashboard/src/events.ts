/**
 * Any event of the trainer's metric stream: a JSON-able object with a `type` (runStart, batchEnd, ...).
 * @ct3d/train's TrainEvent fits; the page reads the fields it knows (see README.md) and ignores the rest.
 */
export interface DashboardEvent {
  readonly type: string;
}

/** An event whose other fields are read by name. */
export type EventRecord = DashboardEvent & Record<string, unknown>;

/** One event of a run's log with its position. */
export interface StoredEvent {
  /** Position in the run's log, 0-based: the SSE event id used for Last-Event-ID catch-up. */
  id: number;
  event: DashboardEvent;
}

type Listener = (e: StoredEvent | 'done') => void;

/** Typed arrays (e.g. predictions) serialise as plain arrays, not {"0":..} objects. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v,
  );
}

/** The in-memory event log of one run (events.jsonl on disk is written by the trainer's RunRecorder). */
export class RunLog {
  readonly events: StoredEvent[] = [];
  /** Each event's JSON, made once in append (and by that a check it serialises): SSE clients send it as is. */
  readonly json: string[] = [];
  done = false;
  private readonly listeners = new Set<Listener>();

  constructor(
    readonly name: string,
    readonly live: boolean,
  ) {}

  /** Adds an event (refused when it cannot be serialised) and tells every listener. */
  append(event: DashboardEvent): StoredEvent {
    // Serialised first: an event JSON cannot hold (a BigInt, a cycle) throws here, before it is stored.
    const json = toJson(event);
    const stored = { id: this.events.length, event };
    this.events.push(stored);
    this.json.push(json);
    for (const l of this.listeners) l(stored);
    return stored;
  }

  /** Marks the run over: listeners get `done` (SSE clients get `event: end`). */
  finish(): void {
    if (this.done) return;
    this.done = true;
    for (const l of this.listeners) l('done');
  }

  /** Events after `lastId` (catch-up), then live ones through `listener`; returns the unsubscribe. */
  subscribe(lastId: number, listener: Listener): () => void {
    for (const e of this.events.slice(lastId + 1)) listener(e);
    if (this.done) {
      listener('done');
      return () => {};
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** Parses events.jsonl; a torn last line (run killed mid-write) is dropped, other bad lines are errors. */
export function parseEventsJsonl(text: string, file: string): EventRecord[] {
  const lines = text.split('\n');
  const out: EventRecord[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (i === lines.length - 1) return;
      throw new Error(`${file}: line ${i + 1} is not JSON`);
    }
    if (!isEvent(value)) throw new Error(`${file}: line ${i + 1} has no string "type"`);
    out.push(value);
  });
  return out;
}

export function isEvent(value: unknown): value is EventRecord {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}

/** The events eventsFromHistory rebuilds from a run folder without events.jsonl (type aliases: JSON records). */
export type ReplayedRunStart = { type: 'runStart'; epochs: number; replayedFrom: 'history.json' };
/** One epoch of history.json: its values under their history names (acc, loss, val_acc, val_loss, lr, ...). */
export type ReplayedEpochEnd = { type: 'epochEnd'; epoch: number; logs: Record<string, number> };
/** The end of a replayed run, with metrics.json as parsed (when the run folder has one). */
export type ReplayedRunEnd = { type: 'runEnd'; metrics?: object };
export type ReplayedEvent = ReplayedRunStart | ReplayedEpochEnd | ReplayedRunEnd;

/** What the dashboard itself appends to a live run whose event stream failed. */
export type RunErrorEvent = { type: 'error'; message: string };

/**
 * Rebuilds an event stream from a Keras-like history.json ({loss: [...], val_acc: [...], ...}) and an
 * optional metrics.json, for runs whose trainer wrote no events.jsonl. Epochs are numbered from 1.
 */
export function eventsFromHistory(history: Record<string, unknown>, metrics: unknown): ReplayedEvent[] {
  const series = Object.entries(history).filter((kv): kv is [string, number[]] => Array.isArray(kv[1]));
  const epochs = Math.max(0, ...series.map(([, v]) => v.length));
  const events: ReplayedEvent[] = [{ type: 'runStart', epochs, replayedFrom: 'history.json' }];
  for (let e = 0; e < epochs; e++) {
    const logs: Record<string, number> = {};
    for (const [k, v] of series) if (typeof v[e] === 'number') logs[k] = v[e];
    events.push({ type: 'epochEnd', epoch: e + 1, logs });
  }
  events.push({ type: 'runEnd', ...(typeof metrics === 'object' && metrics !== null ? { metrics } : {}) });
  return events;
}
