// Plain data (rate tables, sums) copied so a holder never shares objects with the store.
export function cloneJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
