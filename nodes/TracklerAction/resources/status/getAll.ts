import type { Status } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, prepare } = listOperation<Status>('status', '/statuses');
