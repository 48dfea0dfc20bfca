import { record } from './record.mjs';

// WKWebView: the app adds a script message handler named "sls"
// (userContentController.add(self, name: "sls")); the page sees it as
// window.webkit.messageHandlers.sls and posts objects (WKScriptMessage.body
// is then a dictionary).
window.webkit = { messageHandlers: { sls: { postMessage(message) { record('webkit', message); } } } };
