import type { Status } from '../../../shared/api';
import { listOperation } from '../requests';

export const { description, prepare } = listOperation<Status>('status', '/statuses');
