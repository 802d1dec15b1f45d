/**
 * Turns a value read from JSON, Parquet (hyparquet) or Arrow (apache-arrow) into a plain JSON
 * value, so that a record is the same object whatever format it came from: lists become arrays
 * (Arrow vectors, typed arrays), nested structs become plain objects (Arrow rows, maps), big
 * integers become numbers, dates ISO strings, and null or undefined object fields are dropped
 * (a missing value and an absent field mean the same in the published sets).
 */
export function toPlainValue(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  switch (typeof value) {
    case 'bigint':
      return Number(value);
    case 'string':
    case 'number':
    case 'boolean':
      return value;
    case 'object':
      break;
    default:
      return undefined;
  }
  if (Array.isArray(value)) return value.map(toListItem);
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return new TextDecoder().decode(value); // binary columns holding text
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, toListItem);
  if (value instanceof Map) return plainObject(Object.fromEntries(value));
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== Object.prototype && proto !== null) {
    // Arrow vectors and rows: toJSON() is one level deep (an array of items, an object of fields).
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return toPlainValue(toJSON.call(value));
    if (Symbol.iterator in value) return Array.from(value as Iterable<unknown>, toListItem);
  }
  return plainObject(value as Record<string, unknown>);
}

/** A list keeps its length: a null item stays null rather than vanishing. */
function toListItem(item: unknown): unknown {
  const plain = toPlainValue(item);
  return plain === undefined ? null : plain;
}

function plainObject(record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(record)) {
    const plain = toPlainValue(item);
    if (plain !== undefined) out[key] = plain;
  }
  return out;
}
