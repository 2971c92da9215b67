import { callFunction } from '../firebase';
import { toApiError } from './errors';

/** Calls a callable and rethrows any failure as an ApiError. */
export async function call<T>(name: string, data?: unknown): Promise<T> {
  try {
    return await callFunction<T>(name, data);
  } catch (err) {
    throw toApiError(err);
  }
}
