import { v7 as uuidv7 } from 'uuid';

/** Makes record ids. Injected, so tests can make them predictable. */
export interface IdGenerator {
  next(): string;
}

/** UUIDv7: sortable by creation time, which keeps id-ordered pages in creation order. */
export const uuidV7Ids: IdGenerator = { next: () => uuidv7() };
