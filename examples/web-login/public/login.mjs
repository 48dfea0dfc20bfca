// The login page's only script (no inline script: the page runs under a
// strict Content-Security-Policy). It loads <sls-login> from the package the
// back end serves at /sls/, and hands the login assertion to this site's
// back end, which verifies it and starts the site's own session.
const login = document.getElementById('login');
const outcome = document.getElementById('outcome');

if (login !== null) {
  login.addEventListener('sls-authenticated', async (event) => {
    const { assertion } = event.detail;
    outcome.textContent = 'Checking your sign-in…';
    const reply = await fetch('/session', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ assertion }),
    }).catch(() => null);
    const answer = reply === null ? { error: 'network' } : await reply.json().catch(() => ({ error: reply.status }));
    if (reply !== null && reply.ok) {
      // The back end now knows the user: the page it renders says who.
      window.location.replace('/');
    } else {
      outcome.textContent = `Sign-in was not accepted (${answer.error}). Reload the page to try again.`;
    }
  });
  await import('/sls/sls-login-define.js');
}
