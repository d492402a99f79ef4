// The sign-in chunk (first-party pages' inline form, the popup's answer, single sign-on), loaded on first use (src/web/embed/lazy.tsx).
export { AuthForm } from '../components/AuthForm.js';
export { listenForSignIn, ssoSignIn } from '../signin.js';
import '../read.js';
