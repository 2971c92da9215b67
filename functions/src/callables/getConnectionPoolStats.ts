import { AppError } from '../errors.js';
import { Access, defineCallable } from './defineCallable.js';

/** `getConnectionPoolStats`: fleet-wide HTTP pool and breaker numbers (admins only). */
export const getConnectionPoolStats = defineCallable(Access.admin, async () => {
  throw new AppError('NOT_IMPLEMENTED', 'getConnectionPoolStats is not implemented yet.');
});
