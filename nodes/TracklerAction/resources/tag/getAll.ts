import type { Tag } from '../../../shared/api';
import { listOperation } from '../listOperation';

export const { description, prepare } = listOperation<Tag>('tag', '/tags');
