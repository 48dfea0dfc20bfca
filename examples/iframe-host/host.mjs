// The host page's script: takes the bridge messages of the framed login
// (docs/component.md, "Bridge messages") and hands the assertion to its own
// back end, which verifies it and starts its own session.
const frame = document.getElementById('login-frame');
const loginOrigin = new URL(frame.src).origin;
const status = document.getElementById('status');

window.addEventListener('message', async (event) => {
  // Only the login frame, only from the login server's origin.
  if (event.origin !== loginOrigin || event.source !== frame.contentWindow) return;
  const message = event.data;
  if (typeof message !== 'object' || message === null || message.version !== 1) return;
  if (message.type === 'sls-error') {
    status.textContent = message.message;
  } else if (message.type === 'sls-authenticated') {
    // The assertion proves nothing here: the back end verifies it.
    const reply = await fetch('/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ assertion: message.assertion }),
    });
    const result = await reply.json();
    status.textContent = reply.ok ? `Logged in as ${result.user}.` : `Login refused (${result.error}).`;
    status.dataset.outcome = reply.ok ? 'verified' : 'refused';
  }
});
