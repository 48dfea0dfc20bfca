// Shared by the harness pages: what the stand-in native host received, in
// order, kept in window.hostReceived and listed on the page. A real app
// receives these in its native code instead (docs/component.md, "Embedding
// in a webview").
window.hostReceived = [];

/** Records one message as the native side got it (an object, or JSON text on Android). */
export function record(api, received) {
  window.hostReceived.push({ api, received });
  const list = document.getElementById('received');
  if (list === null) return;
  const item = document.createElement('li');
  item.textContent = `${api}: ${typeof received === 'string' ? received : JSON.stringify(received)}`;
  list.append(item);
}
