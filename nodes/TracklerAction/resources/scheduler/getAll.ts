import type { Scheduler } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, getAll } = listOperation<Scheduler>('scheduler', '/schedulers');
