import { render } from 'preact';
import uplotCss from 'uplot/dist/uPlot.min.css';
import css from './styles.css';
import { App } from './App.js';

/** The moderation console: a small Preact app served at /admin. */
const style = document.createElement('style');
style.textContent = `${uplotCss}\n${css}`;
document.head.appendChild(style);
const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(<App />, root);
}
