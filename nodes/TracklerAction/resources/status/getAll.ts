import type { Status } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, getAll } = listOperation<Status>('status', '/statuses');
