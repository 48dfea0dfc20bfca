import { record } from './record.mjs';

// WebView2 (Windows): window.chrome.webview is always there; the app reads
// each message in WebMessageReceived (args.WebMessageAsJson), after checking
// args.Source against the login server's origin.
window.chrome = { webview: { postMessage(message) { record('webview2', message); } } };
