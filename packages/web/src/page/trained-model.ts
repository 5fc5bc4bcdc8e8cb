// The model last trained on the training page, kept in this browser's IndexedDB (same origin, nothing sent):
// the training page's worker saves it with its manifest, the diagnosis page under the training page
// (diagnose/) loads it. One record: a new run replaces the last one.
import type { WebManifest } from '../manifest.js';

/** A trained run's manifest (as `ct3d export-web --run` writes it) and its checkpoint's two files. */
export interface TrainedModel {
  manifest: WebManifest;
  json: string;
  weights: Uint8Array;
}

const DB = 'ct3d-training-page';
const STORE = 'trained-model';
const KEY = 'last';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error ?? new Error('IndexedDB request failed'));
  });
}

function openDb(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB, 1);
  r.onupgradeneeded = () => r.result.createObjectStore(STORE);
  return request(r);
}

async function inStore<T>(mode: IDBTransactionMode, work: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    const tx = db.transaction(STORE, mode);
    const result = await request(work(tx.objectStore(STORE)));
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    return result;
  } finally {
    db.close();
  }
}

/** Keeps `model` as the one trained in this browser (replacing the last). */
export async function saveTrainedModel(model: TrainedModel): Promise<void> {
  await inStore('readwrite', (s) => s.put(model, KEY));
}

/** The model last trained in this browser, or undefined when none was. */
export function loadTrainedModel(): Promise<TrainedModel | undefined> {
  return inStore('readonly', (s) => s.get(KEY) as IDBRequest<TrainedModel | undefined>);
}
