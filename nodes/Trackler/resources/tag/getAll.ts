import type { Tag } from '../../../shared/api';
import { listOperation } from '../requests';

export const { description, prepare } = listOperation<Tag>('tag', '/tags');
