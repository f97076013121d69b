import type { Scheduler } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, prepare } = listOperation<Scheduler>('scheduler', '/schedulers');
