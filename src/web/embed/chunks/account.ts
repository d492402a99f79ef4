// The signed-in reader's chunk (who, sign out, the way to the bell), loaded on sign-in (src/web/embed/lazy.tsx).
export { Account } from '../components/Account.js';
import '../read.js';
