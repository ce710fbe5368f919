// GraphiQL for the plan API: the Explorer plugin, the example query and a commented Headers
// example, with Monaco's workers served from this origin. No inline script: the page passes
// its settings through data- attributes on #graphiql, so the page's CSP can forbid inline code.
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './page.css';

const root = document.getElementById('graphiql');
const settings = JSON.parse(root.dataset.settings);

globalThis.MonacoEnvironment = {
  getWorker(_workerId, label) {
    const url = settings.workers[label] ?? settings.workers.editor;
    return new Worker(url, { name: label });
  },
};

// Queries and mutations over HTTP; subscriptions over WebSocket (graphql-transport-ws) on the
// same path.
const endpoint = new URL(settings.endpoint, window.location.href);
const socket = new URL(endpoint);
socket.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
const fetcher = createGraphiQLFetcher({ url: endpoint.href, subscriptionUrl: socket.href });

createRoot(root).render(
  <GraphiQL
    fetcher={fetcher}
    defaultQuery={settings.query}
    defaultHeaders={settings.headers}
    defaultEditorToolsVisibility={true}
    plugins={[explorerPlugin()]}
  />,
);
