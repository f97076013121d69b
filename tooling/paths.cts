// Where the repository is, and the package's names as n8n knows them.
import * as path from 'node:path';

export const REPO_ROOT = path.resolve(__dirname, '..');
export const PACKAGE_NAME = 'n8n-nodes-trackler';
/** Prefix of the package's node types inside n8n (an installed community package), e.g.
 *  `n8n-nodes-trackler.trackler`; credential types keep their plain name (`tracklerApi`). */
export const NODE_TYPE_PREFIX = `${PACKAGE_NAME}.`;
