// The app's per-load nonce: the app opens the login page with ?nonce=VALUE
// (a fresh random value it keeps for this login) and this script puts it on
// the element before it starts, so the assertion the app receives names this
// load and no other. Who receives the result is the app's own host object,
// never anything from the URL.
const value = new URLSearchParams(window.location.search).get('nonce');
const login = document.querySelector('sls-login[bridge="webview"]');
if (login !== null && value !== null && /^[A-Za-z0-9_-]{16,128}$/.test(value)) login.setAttribute('nonce', value);
