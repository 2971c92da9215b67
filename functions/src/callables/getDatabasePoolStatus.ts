import { AppError } from '../errors.js';
import { Access, defineCallable } from './defineCallable.js';

/** `getDatabasePoolStatus`: fleet-wide Firestore query pool numbers (admins only). */
export const getDatabasePoolStatus = defineCallable(Access.admin, async () => {
  throw new AppError('NOT_IMPLEMENTED', 'getDatabasePoolStatus is not implemented yet.');
});
