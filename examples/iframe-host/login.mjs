// The framed login page's one script: the host's per-load nonce, from the
// frame's URL (?nonce=), goes onto the element before it starts, so the
// assertion it receives names this page load. Only the nonce: who receives
// the result (parent-origin) is never taken from the URL.
const nonce = new URLSearchParams(window.location.search).get('nonce');
const element = document.getElementById('login');
if (nonce !== null && /^[A-Za-z0-9_-]{16,128}$/.test(nonce) && element !== null) element.setAttribute('nonce', nonce);
