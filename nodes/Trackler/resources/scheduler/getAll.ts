import type { Scheduler } from '../../../shared/api';
import { listOperation } from '../requests';

export const { description, prepare } = listOperation<Scheduler>('scheduler', '/schedulers');
