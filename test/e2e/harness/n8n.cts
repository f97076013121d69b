// The e2e suites' n8n: tooling/n8n/ (install, process, API), re-exported under the names the suites use.
export * from '../../../tooling/n8n/index.cjs';
