import { record } from './record.mjs';

// Android: the app adds a web message listener (WebViewCompat.addWebMessageListener,
// with the login server's origin as the only allowed origin rule) or a
// JavaScript interface named "SlsAndroid"; either takes strings only, so the
// element posts JSON text.
window.SlsAndroid = { postMessage(text) { record('android', text); } };
