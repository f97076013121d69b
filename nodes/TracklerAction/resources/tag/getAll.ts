import type { Tag } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, getAll } = listOperation<Tag>('tag', '/tags');
