import { AppError } from '../errors.js';
import { Access, defineCallable } from './defineCallable.js';

/** `resetCircuitBreakers`: close one or all circuit breakers fleet-wide (admins only). */
export const resetCircuitBreakers = defineCallable(Access.admin, async () => {
  throw new AppError('NOT_IMPLEMENTED', 'resetCircuitBreakers is not implemented yet.');
});
