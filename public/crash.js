// Turns a crash of the app's WebAssembly into a readable page. A Rust panic in the
// release build ends in a trap (`unreachable`, a WebAssembly.RuntimeError) and, with
// std rebuilt for size (xtask/src/release.rs), with no message; the module's state
// is unusable after it, so the page says so and offers a reload instead of freezing
// or going blank. Plain DOM calls: no inline script, no HTML strings.
(() => {
  const crashed = (error) => {
    if (!(error instanceof WebAssembly.RuntimeError) || document.getElementById('crash')) {
      return;
    }
    const title = document.createElement('h1');
    title.textContent = 'Something went wrong';
    const text = document.createElement('p');
    text.className = 'error';
    text.setAttribute('role', 'alert');
    text.textContent = 'The app stopped because of an internal error. '
      + 'Reload the page to go on; you may need to sign in again.';
    const reload = document.createElement('button');
    reload.className = 'button primary';
    reload.textContent = 'Reload';
    reload.addEventListener('click', () => window.location.reload());
    const card = document.createElement('section');
    card.className = 'card';
    card.append(title, text, reload);
    const main = document.createElement('main');
    main.id = 'crash';
    main.className = 'config-error';
    main.append(card);
    document.body.replaceChildren(main);
  };
  window.addEventListener('error', (event) => crashed(event.error));
  window.addEventListener('unhandledrejection', (event) => crashed(event.reason));
})();
