import { AppError } from '../errors.js';
import { Access, defineCallable } from './defineCallable.js';

/** `processPayment`: charge a payment for the signed-in user (any signed-in user). */
export const processPayment = defineCallable(Access.user, async () => {
  throw new AppError('NOT_IMPLEMENTED', 'processPayment is not implemented yet.');
});
