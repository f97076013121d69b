// Prints the description of every node package.json registers, as JSON, in the order n8n reads it
// (option order included): what the editor and n8n's node loader see. A change meant to leave the
// nodes as they are (a refactor) must leave this output byte-identical:
//   npm run --silent describe > /tmp/before.json   (before the change)
//   npm run --silent describe > /tmp/after.json && cmp /tmp/before.json /tmp/after.json
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

import type { INodeType } from 'n8n-workflow';

const root = path.resolve(__dirname, '../..');
const packageJson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const descriptions = (packageJson.n8n.nodes as string[]).map((built) => {
	const source = path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
	const exported = require(source) as Record<string, new () => INodeType>;
	const [NodeClass] = Object.values(exported).filter((value) => typeof value === 'function');
	return new NodeClass().description;
});

process.stdout.write(`${JSON.stringify(descriptions, null, 2)}\n`);
