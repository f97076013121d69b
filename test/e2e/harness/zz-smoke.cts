import { startN8n } from './n8n.cjs';
(async () => {
  const n = await startN8n({ line: (process.env.LINE as 'v1') ?? 'v2', keepUserFolder: true });
  console.log('started', n.baseUrl, n.version, n.startMs, 'ms', n.userFolder);
  const c = await n.createCredential('tracklerApi', 'x', { apiUrl: 'http://127.0.0.1:1', apiToken: 'abc' });
  console.log(c);
  try { console.log(await n.testCredential(c.id)); } catch (e) { console.log('ERR', e); }
  const wf = await n.createWorkflow({ name: 'wh', nodes: [{ parameters: { path: 'hello', httpMethod: 'POST', responseMode: 'onReceived' }, name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2, position: [0, 0], webhookId: 'f0c2d5b4-1111-4222-8333-944455556666' }], connections: {}, settings: { executionOrder: 'v1' }, active: true });
  await n.publishWorkflow(wf.id);
  const t = Date.now(); await n.restart(); console.log('restart ms', Date.now() - t, 'startMs', n.startMs);
  console.log((await n.runWebhook('hello', { a: 1 })).status);
  console.log((await n.waitForExecutions(wf.id, 1, 20000, { includeData: true })).map((e) => [e.id, e.status, !!e.data]));
  console.log(await n.publicationStatus(wf.id)); await n.unpublishWorkflow(wf.id); console.log(await n.publicationStatus(wf.id));
  console.log((await n.runWebhook('hello', { a: 1 })).status);
  await n.stop();
})().catch((e) => { console.error(e); process.exit(1); });
