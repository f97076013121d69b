// Dev tooling and tests are written as .cts files (so that n8n's node linter, which reads every *.ts
// file, sees only the package's nodes and credentials) and import each other as './file.cjs', the
// name TypeScript and tsx give them. Jest resolves such a name to the .cts source when no .cjs exists.
const path = require('node:path');
const fs = require('node:fs');

module.exports = (request, options) => {
  if (request.endsWith('.cjs') && (request.startsWith('./') || request.startsWith('../'))) {
    const source = path.resolve(options.basedir, request.slice(0, -4) + '.cts');
    if (!fs.existsSync(path.resolve(options.basedir, request)) && fs.existsSync(source)) return source;
  }
  // A node file imported as './X.node.js' (the name tsx and TypeScript give X.node.ts): without the extension, Node's
  // own resolution (under tsx) would load the node's codex file X.node.json instead.
  if (request.endsWith('.node.js') && (request.startsWith('./') || request.startsWith('../'))) {
    const source = path.resolve(options.basedir, request.slice(0, -3) + '.ts');
    if (!fs.existsSync(path.resolve(options.basedir, request)) && fs.existsSync(source)) return source;
  }
  return options.defaultResolver(request, options);
};
